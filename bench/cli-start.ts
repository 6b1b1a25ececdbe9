import { execFileSync } from 'node:child_process';
import { type BenchResult, figure, repeat } from './bench-result.js';

/** Commands that only read the catalogue: each must answer well within 0.3 s. */
const commands = [
  ['help'],
  ['list'],
  ['show', 'api-5xx-spike'],
  ['scenarios'],
  ['asl', 'api-5xx-spike'],
  ['diagram', 'api-5xx-spike'],
  ['diagram', 'api-5xx-spike', '--escalation', '--env', 'prod'],
] as const;

const timed = (args: readonly string[]) => {
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - start;
};

/**
 * How long the built `runbook` command takes from start to exit for the commands that simulate
 * nothing, beside Node starting and exiting with nothing to do (the floor no CLI goes under),
 * run side by side, 7 times each.
 */
export async function cliStart(): Promise<BenchResult[]> {
  const bare = await repeat(() => timed(['-e', '0']), 7);
  const results = [figure('cli-start-node-floor', 'ms', bare)];
  for (const command of commands) {
    const samples = await repeat(() => timed(['dist/cli/main.js', ...command]), 7);
    results.push(figure(`cli-start ${command.join(' ')}`, 'ms', samples));
  }
  const slowest = results.slice(1).reduce((a, b) => (b.value > a.value ? b : a));
  results.push({
    ...figure('cli-start-slowest-over-floor', 'x', [slowest.value / (results[0]?.value ?? 1)], 2),
    details: { command: slowest.name },
  });
  return results;
}
