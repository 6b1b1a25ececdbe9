import { WebClient } from '@slack/web-api';
import { type ChatMessage, postToResponseUrl, type ResponseUrlMessage } from './response-url.js';

export type { ChatMessage, ResponseUrlMessage } from './response-url.js';

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
