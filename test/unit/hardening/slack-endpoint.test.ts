import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';
import { logger } from '../../../handlers/lib/observability.js';
import { serveLocally } from '../../../slack/local-server.js';
import { slackSignature } from '../../../slack/signature.js';
import { slackCredentials } from '../../../slack/slack-credentials.js';
import { handleSlackRequest, type SlackEndpointDeps } from '../../../slack/slack-http.js';

/** Every substring of 4 characters or more of the secret's values (the JSON's strings, or the whole text). */
function secretPieces(value: string): string[] {
  let values: string[];
  try {
    values = Object.values(JSON.parse(value) as Record<string, unknown>).map(String);
  } catch {
    values = [value];
  }
  return values.flatMap((v) =>
    Array.from({ length: Math.max(0, v.length - 3) }, (_, i) => v.slice(i, i + 4)),
  );
}

function endpointDeps(signingSecret: () => Promise<string>): SlackEndpointDeps {
  return {
    environment: 'dev',
    policy: { starters: [], approverGroups: {} },
    catalogue: [],
    now: () => new Date(),
    signingSecret,
    defer: async () => undefined,
  };
}

const signedRequest = (body: string) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    method: 'POST',
    path: '/slack/commands',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature('whatever', timestamp, body),
    },
    body,
  };
};

describe('the Slack endpoint under hostile or careless requests', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['not JSON', 'd41d8cd98f00b204e9800998ecf8427e'],
    [
      'JSON of the wrong shape',
      JSON.stringify({ signingSecret: 'q7Zx9wKp2vLm4Tn8', botToken: 'zz-91Qw8Ry5Uv' }),
    ],
  ])('answers a generic 500 and leaks no part of a credentials secret that is %s', async (_kind, value) => {
    const account = new SimulatedAccount({ start: new Date() });
    account.secretsManager.createSecret({ Name: 'slack-app', SecretString: value });
    const credentials = slackCredentials(account.clients().secretsManager, 'slack-app');
    logger.setLogLevel('DEBUG');
    const written: string[] = [];
    const capture = (chunk: unknown) => written.push(String(chunk)) > 0;
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const response = await handleSlackRequest(
      signedRequest('text=list&user_id=U1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx'),
      endpointDeps(async () => (await credentials()).signingSecret),
    );
    const thrown = await credentials().catch((e: Error) => `${e.name}: ${e.message}`);
    vi.restoreAllMocks();
    expect(response).toMatchObject({ status: 500, body: JSON.stringify({ error: 'internal error' }) });
    expect(thrown).toMatch(/^SlackCredentialsError: Slack secret slack-app /);
    const everything = [...written, response.body, String(thrown)].join('\n');
    expect(written.join('')).toContain('SlackCredentialsError');
    for (const piece of secretPieces(value))
      expect(everything.includes(piece), `"${piece}" leaked`).toBe(false);
  });

  it('answers 405 with Allow: POST, and 415 to a body that is not a form post, before reading it', async () => {
    const deps = endpointDeps(async () => 'whatever');
    const get = await handleSlackRequest({ ...signedRequest(''), method: 'GET' }, deps);
    expect(get).toMatchObject({ status: 405, headers: { allow: 'POST' } });
    const json = await handleSlackRequest(
      {
        ...signedRequest('{"text":"list"}'),
        headers: { ...signedRequest('').headers, 'content-type': 'application/json' },
      },
      deps,
    );
    expect(json.status).toBe(415);
  });

  it('answers 413 to a 10 MB body and stops reading it at Slack’s limit', async () => {
    const server = await serveLocally(0, (r) =>
      handleSlackRequest(
        r,
        endpointDeps(async () => 'whatever'),
      ),
    );
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${server.url}/slack/commands`,
          { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on('error', (e) =>
          String(e).includes('EPIPE') || String(e).includes('ECONNRESET') ? undefined : reject(e),
        );
        const chunk = Buffer.alloc(64 * 1024, 'a');
        for (let i = 0; i < 160; i += 1) req.write(chunk);
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      await server.close();
    }
  });
});
