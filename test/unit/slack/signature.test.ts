import { describe, expect, it } from 'vitest';
import { SlackSignatureError, slackSignature, verifySlackRequest } from '../../../slack/signature.js';

// The worked example of https://api.slack.com/authentication/verifying-requests-from-slack
const example = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const at = (seconds: number) => new Date((Number(example.timestamp) + seconds) * 1000);
const request = { timestamp: example.timestamp, signature: example.signature, rawBody: example.body };

describe('Slack request signatures', () => {
  it("computes Slack's documented example signature", () => {
    expect(slackSignature(example.secret, example.timestamp, example.body)).toBe(example.signature);
  });

  it('accepts the example within five minutes of its timestamp', () => {
    expect(() => verifySlackRequest(request, example.secret, at(299))).not.toThrow();
    expect(() => verifySlackRequest(request, example.secret, at(-299))).not.toThrow();
  });

  it('accepts a request exactly five minutes old and rejects a replay older than that', () => {
    expect(() => verifySlackRequest(request, example.secret, at(300))).not.toThrow();
    expect(() => verifySlackRequest(request, example.secret, at(-300))).not.toThrow();
    expect(() => verifySlackRequest(request, example.secret, at(301))).toThrow(/301 s away/);
    expect(() => verifySlackRequest(request, example.secret, at(-301))).toThrow(/301 s away/);
  });

  it('rejects a body changed by one character, a wrong secret and a truncated signature', () => {
    const now = at(1);
    expect(() =>
      verifySlackRequest({ ...request, rawBody: `${example.body} ` }, example.secret, now),
    ).toThrow('signature does not match');
    expect(() => verifySlackRequest(request, 'another-secret', now)).toThrow(SlackSignatureError);
    expect(() =>
      verifySlackRequest({ ...request, signature: example.signature.slice(0, -1) }, example.secret, now),
    ).toThrow('signature does not match');
  });

  it('rejects missing or malformed headers', () => {
    const now = at(1);
    expect(() => verifySlackRequest({ ...request, signature: undefined }, example.secret, now)).toThrow(
      /missing/,
    );
    expect(() => verifySlackRequest({ ...request, timestamp: '15e8' }, example.secret, now)).toThrow(
      /malformed/,
    );
  });

  it('rejects a timestamp that is not plain epoch seconds even when the signature covers it', () => {
    // Such a timestamp would make the age check meaningless: a signed request could be replayed forever.
    for (const timestamp of ['1531420618x', 'x1531420618', '0001531420618', '1531420618.0', ' 1531420618']) {
      const signed = {
        rawBody: example.body,
        timestamp,
        signature: slackSignature(example.secret, timestamp, example.body),
      };
      expect(() => verifySlackRequest(signed, example.secret, at(1)), timestamp).toThrow(
        'malformed X-Slack-Request-Timestamp',
      );
    }
  });

  it('fails with an error the endpoint and logs know by name', () => {
    expect(() => verifySlackRequest(request, 'another-secret', at(1))).toThrow(
      expect.objectContaining({ name: 'SlackSignatureError' }),
    );
  });
});
