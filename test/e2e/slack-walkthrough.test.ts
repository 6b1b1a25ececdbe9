import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { approvalActions } from '../../slack/approval-message.js';
import { responseUrlReceiver, sendSigned } from '../support/slack-client.js';

const secret = 'local-secret';
let serve: ChildProcess | undefined;
afterEach(() => {
  serve?.kill('SIGINT');
  serve = undefined;
});

/** Lines the server printed, and a way to wait for one that matches. */
function watch(child: ChildProcess) {
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  const waitFor = async (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(output);
      if (match) return match;
      if (Date.now() > until) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { waitFor, output: () => output };
}

/** The README's shell snippet that signs and sends a slash command. */
function readmeSnippet(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Trying it locally'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const snippet = blocks.find((b) => b.includes('openssl dgst'));
  if (!snippet) throw new Error('README has no signed-request snippet under "Trying it locally"');
  return snippet;
}

describe('README’s local Slack walkthrough, followed as written', () => {
  it('serves, answers a signed slash command from the README’s shell snippet, and resumes the run on an approval click', async () => {
    serve = spawn(
      process.execPath,
      ['dist/cli/main.js', 'slack', 'serve', '--port', '0', '--env', 'staging', '--inject', 'bad-deploy'],
      { env: { ...process.env, SLACK_SIGNING_SECRET: secret } },
    );
    const server = watch(serve);
    const [, url] = await server.waitFor(/Slack endpoints on (http:\/\/127\.0\.0\.1:\d+)\/slack\/commands/);
    const [, approvalId] = await server.waitFor(/approval id \(button value\): (\S+)/);
    expect(approvalId).toMatch(
      /^arn:aws:states:eu-west-1:123456789012:execution:runbook-api-5xx-spike:.+#on-call$/,
    );

    const { stdout } = await promisify(execFile)(
      'bash',
      ['-c', readmeSnippet().replaceAll('localhost:3000', (url ?? '').replace('http://', ''))],
      { env: { ...process.env, SLACK_SIGNING_SECRET: secret } },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/api-5xx-spike/),
    });

    const receiver = await responseUrlReceiver();
    try {
      const click = await sendSigned(
        `${url}/slack/interactions`,
        {
          payload: JSON.stringify({
            type: 'block_actions',
            user: { id: 'U01ONCALL' },
            response_url: receiver.url,
            actions: [{ action_id: approvalActions.approve, value: approvalId }],
          }),
        },
        { secret },
      );
      expect(click.status).toBe(200);
      await server.waitFor(/\[slack updated\][^\n]*Approved/);
      for (let i = 0; i < 100 && receiver.received.length === 0; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      expect(receiver.received.at(-1)?.text).toMatch(/^Approved: /);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
