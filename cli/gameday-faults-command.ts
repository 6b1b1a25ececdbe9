import { type RunbookFaultSummary, runFaultCampaign } from '../gameday/fault-schedules/fault-campaign.js';
import { wrapped } from '../gameday/format-result.js';
import { findScenario, scenarios } from '../gameday/scenarios/catalogue.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { configurationNamed } from './gameday-command.js';

/** A whole number in a range, from a command-line option; the error names the option. */
function wholeNumber(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new InvalidInputError(
      `${option} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`,
    );
  return n;
}

/**
 * `runbook gameday --faults <n> [--seed s] [--scenario id] [--json]`: every game day (or one) under
 * n seeded fault schedules; per runbook, the schedules run, faults injected and invariants broken,
 * each with the seed that reproduces it. Exit 1 when any invariant broke.
 */
export async function gamedayFaults(options: {
  readonly faults: string;
  readonly seed: string | undefined;
  readonly scenario: string | undefined;
  readonly json: boolean;
  readonly configuration: string;
}): Promise<number> {
  const schedules = wholeNumber('--faults', options.faults, 1, 10_000);
  const seed = wholeNumber('--seed', options.seed ?? '1', 0, 2 ** 31);
  const configuration = configurationNamed(options.configuration);
  const chosen = options.scenario ? [findScenario(options.scenario)] : scenarios;
  const tell = !options.json && process.stderr.isTTY === true;
  const summaries = await runFaultCampaign(chosen, {
    schedules,
    seed,
    run: { configuration },
    onScenario: (scenario, runs, found) => {
      if (tell) process.stderr.write(`${scenario}: ${runs} schedule(s), ${found.length} violation(s)\n`);
    },
  });
  console.log(
    options.json
      ? JSON.stringify(summaries, null, 2)
      : formatSummaries(summaries, { seed, schedules, gameDays: chosen.length }),
  );
  return summaries.some((s) => s.violations.length > 0) ? 1 : 0;
}

/** The per-runbook table, then each violation with the command that reproduces it. */
export function formatSummaries(
  summaries: readonly RunbookFaultSummary[],
  run: { readonly seed: number; readonly schedules: number; readonly gameDays: number },
): string {
  const seeds =
    run.schedules === 1 ? `seed ${run.seed}` : `seeds ${run.seed} to ${run.seed + run.schedules - 1}`;
  const lines = [
    wrapped(
      '',
      `fault schedules of ${seeds} on ${run.gameDays} game day(s): 1 to 3 faults each, at any AWS call the platform makes`,
    ),
    '',
    `${'runbook'.padEnd(18)} ${'schedules'.padStart(9)} ${'faults injected'.padStart(15)} ${'violations'.padStart(10)}`,
    ...summaries.map(
      (s) =>
        `${s.runbook.padEnd(18)} ${String(s.schedules).padStart(9)} ${String(s.faultsInjected).padStart(15)} ${String(s.violations.length).padStart(10)}`,
    ),
  ];
  const violations = summaries.flatMap((s) => s.violations);
  if (violations.length) {
    lines.push('', 'violations:');
    for (const v of violations) {
      lines.push(
        wrapped('  ', `${v.scenario}, seed ${v.seed}: ${v.invariant}: ${v.detail}`),
        `    reproduce: runbook gameday --faults 1 --seed ${v.seed} --scenario ${v.scenario}`,
      );
    }
  }
  return lines.join('\n');
}
