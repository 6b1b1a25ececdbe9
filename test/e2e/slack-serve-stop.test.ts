import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

describe('runbook slack serve, stopped while an approval waits', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops on %s and says which run was left waiting for which answer',
    async (signal) => {
      const serve = spawn(
        process.execPath,
        ['dist/cli/main.js', 'slack', 'serve', '--port', '0', '--inject', 'bad-deploy'],
        { env: { ...process.env, SLACK_SIGNING_SECRET: 'local-secret' } },
      );
      let output = '';
      serve.stdout.on('data', (chunk) => {
        output += String(chunk);
      });
      const exited = once(serve, 'exit');
      try {
        for (let tries = 0; !/approval id \(button value\): (\S+)/.test(output); tries += 1) {
          if (tries > 400) throw new Error(`no approval was posted:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const approvalId = /approval id \(button value\): (\S+)/.exec(output)?.[1] ?? '';
        serve.kill(signal);
        // Stopping is not waiting for the approval's 15-minute deadline: the process is gone well before.
        const gone = await Promise.race([
          exited.then(([code]) => ({ code })),
          new Promise<undefined>((resolve) => setTimeout(resolve, 15_000)),
        ]);
        expect(gone, `still running 15 s after ${signal}:\n${output}`).toEqual({ code: 0 });
        expect(output).toContain(`${signal}: stopped; left waiting for an answer:`);
        expect(output).toMatch(
          new RegExp(
            `api-5xx-spike execution api-5xx-spike-checkout-5xx-rate-\\S+: asked of on-call, answer before \\S+ \\(approval id ${approvalId.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`,
          ),
        );
      } finally {
        serve.kill('SIGKILL');
      }
    },
    60_000,
  );
});
