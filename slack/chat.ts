import type { KnownBlock } from '@slack/types';
import { WebClient } from '@slack/web-api';

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

/** The few Slack calls the platform makes. */
export interface ChatApi {
  post(channel: string, message: ChatMessage): Promise<{ readonly channel: string; readonly ts: string }>;
  update(channel: string, ts: string, message: ChatMessage): Promise<void>;
  respond(responseUrl: string, message: ResponseUrlMessage): Promise<void>;
}

/** The ChatApi of a real workspace: `@slack/web-api` (retries, rate limits) with the bot token. */
export function webClientChat(botToken: string): ChatApi {
  const client = new WebClient(botToken);
  return {
    async post(channel, message) {
      const posted = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: [...(message.blocks ?? [])],
      });
      return { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    },
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, text: message.text, blocks: [...(message.blocks ?? [])] });
    },
    respond: postToResponseUrl,
  };
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
