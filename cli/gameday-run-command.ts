import { writeFileSync } from 'node:fs';
import type { DriverResult } from '../gameday/driver/drive-game-day.js';
import { driveInSandbox } from '../gameday/driver/drive-in-sandbox.js';
import { driveLocally } from '../gameday/driver/drive-locally.js';
import { htmlReport } from '../gameday/report/html-report.js';
import { findScenario, scenarios } from '../gameday/scenarios/catalogue.js';
import { InvalidInputError } from '../handlers/lib/errors.js';

export interface GamedayRunOptions {
  readonly aws: boolean;
  readonly region: string | undefined;
  readonly approve: 'auto' | 'slack';
  readonly approvalTable: string | undefined;
  readonly html: string | undefined;
  readonly json: boolean;
  /** Virtual seconds per real second on the simulated account. */
  readonly speed: number | undefined;
}

const minutes = (s: number | null) => (s === null ? '–' : `${Math.floor(s / 60)}m ${s % 60}s`);

/**
 * `runbook gameday run <scenario>`: one closed-loop game day, on the simulated account or (with
 * `--aws`) in a sandbox. Ctrl-C interrupts it: the driver still takes the fault back and reports.
 */
export async function gamedayRun(id: string, options: GamedayRunOptions): Promise<number> {
  const scenario = findScenario(id);
  if (!scenario.fault || !scenario.watchAlarm) {
    const closedLoop = scenarios.filter((s) => s.fault && s.watchAlarm).map((s) => s.id);
    throw new InvalidInputError(
      `${id} is a simulator-only game day; closed-loop ones have a fault through AWS and a watched alarm: ${closedLoop.join(', ')}`,
    );
  }
  if (options.speed !== undefined && options.aws)
    throw new InvalidInputError('--speed paces the simulated account; a sandbox runs in real time');
  if (options.approve === 'auto' && options.aws && !options.approvalTable)
    throw new InvalidInputError(
      '--approve auto in a sandbox needs --approval-table <the ApprovalRequests table>',
    );
  const controller = new AbortController();
  const interrupt = () => {
    console.error('interrupted: taking the fault back (Ctrl-C again quits without clean-up)');
    controller.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const log = (line: string) => {
    if (!options.json) console.log(`  ${line}`);
  };
  let result: DriverResult;
  try {
    result = options.aws
      ? await driveInSandbox(scenario, { ...options, log, signal: controller.signal })
      : await driveLocally(scenario, {
          log,
          signal: controller.signal,
          ...(options.speed ? { speed: options.speed } : {}),
        });
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  if (options.html) writeFileSync(options.html, htmlReport({ driven: [result] }, new Date()));
  if (options.json) console.log(JSON.stringify(result, null, 2));
  else
    console.log(
      `${result.outcome === 'passed' ? '✔' : '✖'} ${result.gameDay}: ${result.outcome} (${result.reason}); ` +
        `to detect ${minutes(result.timeToDetectSeconds)}, to mitigate ${minutes(result.timeToMitigateSeconds)}`,
    );
  if (result.outcome === 'interrupted') return 130;
  return result.outcome === 'passed' ? 0 : 1;
}
