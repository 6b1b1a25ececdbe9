import type { KnownBlock } from '@slack/types';

/** A Slack message: `text` is the notification and accessibility fallback of `blocks`. */
export interface ChatMessage {
  readonly text: string;
  readonly blocks?: readonly KnownBlock[];
}

/** A reply to a slash command or button click, through its `response_url`. */
export interface ResponseUrlMessage extends ChatMessage {
  /** `ephemeral` shows it to the requester only; `in_channel` to everyone. */
  readonly responseType?: 'ephemeral' | 'in_channel';
  /** Replace the message the button was on instead of posting a new one. */
  readonly replaceOriginal?: boolean;
}

/** Posts to a `response_url` (no token needed: the URL itself is the credential). */
export async function postToResponseUrl(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
  const response = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      response_type: message.responseType ?? 'ephemeral',
      ...(message.replaceOriginal ? { replace_original: true } : {}),
    }),
  });
  if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
}
