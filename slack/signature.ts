import { createHmac, timingSafeEqual } from 'node:crypto';
import { PlatformError } from '../handlers/lib/errors.js';

/** Slack refuses requests older than five minutes to stop replays; so do we. */
export const maxRequestAgeSeconds = 5 * 60;

/** A request that does not prove it came from Slack. It is answered 401 and changes nothing. */
export class SlackSignatureError extends PlatformError {
  override readonly name = 'SlackSignatureError';
}

/**
 * Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the app's signing
 * secret, hex-encoded with a `v0=` prefix
 * (https://api.slack.com/authentication/verifying-requests-from-slack).
 */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp` (epoch seconds). */
  readonly timestamp: string | undefined;
  /** `X-Slack-Signature`. */
  readonly signature: string | undefined;
  /** The body exactly as received: the signature covers its bytes, not a re-encoding. */
  readonly rawBody: string;
}

/** Verifies a request's signature and age; throws SlackSignatureError saying what is wrong. */
export function verifySlackRequest(request: SignedRequest, signingSecret: string, now: Date): void {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !signature) throw new SlackSignatureError('missing Slack signature headers');
  if (!/^\d{1,12}$/.test(timestamp)) throw new SlackSignatureError('malformed X-Slack-Request-Timestamp');
  const ageSeconds = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (ageSeconds > maxRequestAgeSeconds) {
    throw new SlackSignatureError(`request timestamp is ${Math.round(ageSeconds)} s away from now`);
  }
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SlackSignatureError('signature does not match');
  }
}
