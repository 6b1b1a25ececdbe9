import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * Runs `runbook gameday run <id>` as a user does, paced (60× real time: 0.5 s per 30 s poll) so that
 * it is still waiting for the alarm when Ctrl-C (SIGINT) arrives after `interruptAt` appears;
 * resolves with everything it printed and its exit code. The simulated account lives in the CLI's
 * process, so what is left is read back through the APIs by the CLI itself before it exits.
 */
function interruptedRun(id: string, interruptAt: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; interrupted: boolean }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ['dist/cli/main.js', 'gameday', 'run', id, '--speed', '60']);
      let stdout = '';
      let stderr = '';
      let interrupted = false;
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!interrupted && stdout.includes(interruptAt)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr, interrupted }));
    },
  );
}

describe('runbook gameday run, interrupted with Ctrl-C', () => {
  it.each([
    ['bad-deploy', '  fault: ', /clean-up: live back on version \d+; checkout-api environment restored/],
    ['no-recent-deploy', '  fault: ', /clean-up: experiment EXP\w+ stopped/],
  ])(
    '%s: takes the fault back, reads back that nothing is left, and exits 130',
    async (id, interruptAt, undone) => {
      const run = await interruptedRun(id, interruptAt);
      expect(run.interrupted).toBe(true);
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('interrupted: taking the fault back');
      expect(run.stdout).toMatch(undone);
      expect(run.stdout).toContain('clean-up: checked: nothing of the fault is left');
      expect(run.stdout).toMatch(new RegExp(`✖ ${id}: interrupted \\(AbortError`));
    },
    20_000,
  );
});
