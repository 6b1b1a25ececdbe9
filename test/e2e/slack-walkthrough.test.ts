import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

let serve: ChildProcess | undefined;
afterEach(() => {
  // The shell and the server it started, together.
  if (serve?.pid) process.kill(-serve.pid, 'SIGINT');
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

/** The README's two shell blocks under "Trying it locally": the server's, and the requests'. */
function readmeBlocks(): { serve: string; requests: string } {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Trying it locally'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const serve = blocks.find((b) => b.includes('slack serve'));
  const requests = blocks.find((b) => b.includes('openssl dgst'));
  if (!serve || !requests) throw new Error('README lacks the two shell blocks under "Trying it locally"');
  return { serve, requests };
}

/** A TCP port nothing listens on now (README's 3000 may be taken on a CI machine). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('README’s local Slack walkthrough, pasted into two fresh shells', () => {
  it('serves, answers the signed slash command, and resumes the run on the approval click', async () => {
    const port = String(await freePort());
    const { serve: serveBlock, requests } = readmeBlocks();
    // Fresh shells: nothing of this test's environment says what the signing secret is.
    const { SLACK_SIGNING_SECRET: _unset, ...env } = process.env;
    serve = spawn('bash', ['-c', serveBlock.replaceAll('3000', port)], { env, detached: true });
    const server = watch(serve);
    const [, approvalId] = await server.waitFor(/approval id \(button value\): (\S+)/, 40_000);
    expect(approvalId).toMatch(
      /^arn:aws:states:eu-west-1:123456789012:execution:runbook-api-5xx-spike:.+#on-call$/,
    );

    const { stdout } = await promisify(execFile)(
      'bash',
      ['-c', requests.replaceAll('3000', port).replace('PASTE-THE-APPROVAL-ID', approvalId ?? '')],
      { env },
    );
    const [listed, clicked] = stdout.trim().split('\n');
    expect(JSON.parse(listed ?? '')).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/api-5xx-spike/),
    });
    expect(clicked).not.toMatch(/error|invalid/i);
    await server.waitFor(/\[slack updated\][^\n]*Approved/);
    await server.waitFor(/\[slack responded\] Approved: /);
    expect(server.output()).not.toMatch(/fetch failed|background error/);
  }, 90_000);
});
