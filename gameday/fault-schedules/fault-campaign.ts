import { type RunOptions, runScenario, type ScenarioResult } from '../run-scenario.js';
import type { Scenario } from '../scenario.js';
import { type Violation, violationsOf } from './invariants.js';

/** A broken invariant, with what reproduces it: the seed and the game day. */
export interface SeededViolation {
  readonly seed: number;
  readonly scenario: string;
  readonly invariant: Violation['invariant'];
  readonly detail: string;
}

/** Per runbook: schedules run, faults injected, invariants broken. */
export interface RunbookFaultSummary {
  readonly runbook: string;
  readonly schedules: number;
  readonly faultsInjected: number;
  readonly violations: readonly SeededViolation[];
}

export interface FaultCampaignOptions {
  /** Schedules per game day. */
  readonly schedules: number;
  /** The first schedule's seed; the next ones count up from it. */
  readonly seed: number;
  /** Faults in one schedule: one to this many, drawn with the seed. Default: 3. */
  readonly maxFaults?: number;
  readonly run?: RunOptions;
  /** Told after each game day's schedules (progress on a long run). */
  readonly onScenario?: (scenario: string, schedules: number, violations: readonly SeededViolation[]) => void;
}

/** Faults a schedule of this seed injects: from one to `max`, as the seed draws. */
const faultsOf = (seed: number, max: number) => 1 + ((Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) >>> 0) % max);

/**
 * Runs every game day fault-free (what it is meant to do, and how many AWS calls the platform
 * makes) and then under `schedules` seeded fault schedules, checking the invariants after each.
 * Schedule `i` has seed `seed + i` in every game day, so one seed reproduces a violation.
 */
export async function runFaultCampaign(
  scenarios: readonly Scenario<unknown, object, object>[],
  options: FaultCampaignOptions,
): Promise<RunbookFaultSummary[]> {
  const byRunbook = new Map<
    string,
    { schedules: number; faultsInjected: number; violations: SeededViolation[] }
  >();
  for (const scenario of scenarios) {
    const intended = await runScenario(scenario, {
      ...options.run,
      faultSchedule: { seed: 0, faults: 0, calls: 0 },
    });
    const calls = intended.watched?.calls ?? 0;
    const summary = byRunbook.get(scenario.runbook) ?? { schedules: 0, faultsInjected: 0, violations: [] };
    byRunbook.set(scenario.runbook, summary);
    const found: SeededViolation[] = [];
    for (let i = 0; i < options.schedules; i += 1) {
      const seed = options.seed + i;
      const faultSchedule = { seed, faults: faultsOf(seed, options.maxFaults ?? 3), calls };
      const run = await underSchedule(scenario, intended, { ...options.run, faultSchedule });
      summary.schedules += 1;
      summary.faultsInjected += run.injected;
      found.push(...run.violations.map((v) => ({ seed, scenario: scenario.id, ...v })));
    }
    summary.violations.push(...found);
    options.onScenario?.(scenario.id, options.schedules, found);
  }
  return [...byRunbook].map(([runbook, summary]) => ({ runbook, ...summary }));
}

/** One run under a schedule; a run that throws breaks the invariant that executions end. */
async function underSchedule(
  scenario: Scenario<unknown, object, object>,
  intended: ScenarioResult,
  options: RunOptions,
): Promise<{ violations: Violation[]; injected: number }> {
  try {
    const run = await runScenario(scenario, options);
    return { violations: violationsOf(run, intended), injected: run.watched?.injected.length ?? 0 };
  } catch (error) {
    return {
      violations: [
        { invariant: 'execution-never-ended', detail: `the game day itself failed: ${String(error)}` },
      ],
      injected: 0,
    };
  }
}
