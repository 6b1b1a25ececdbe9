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
  readonly violations: SeededViolation[];
}

export interface FaultCampaignOptions {
  /** Schedules per game day. */
  readonly schedules: number;
  /** The first schedule's seed; the next ones count up from it. */
  readonly seed: number;
  /** Faults in one schedule: one to this many, drawn with the seed. */
  readonly maxFaults?: number;
  readonly run?: RunOptions;
  /** Told after each schedule (progress on a long run). */
  readonly onSchedule?: (scenario: string, seed: number, violations: readonly Violation[]) => void;
}

/** Faults a schedule of this seed injects: from one to `max`, as the seed draws. */
const faultsOf = (seed: number, max: number) => 1 + ((Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) >>> 0) % max);

/**
 * Runs every game day fault-free (what it is meant to do, and how many AWS calls the platform
 * makes) and then under `schedules` seeded fault schedules, checking the invariants after each.
 * A game day the platform makes no call in after its fault has nothing to inject into: its
 * schedules count, with no fault.
 */
export async function runFaultCampaign(
  scenarios: readonly Scenario<unknown, object, object>[],
  options: FaultCampaignOptions,
): Promise<RunbookFaultSummary[]> {
  const byRunbook = new Map<string, RunbookFaultSummary>();
  for (const scenario of scenarios) {
    const intended = await runScenario(scenario, {
      ...options.run,
      faultSchedule: { seed: 0, faults: 0, calls: 0 },
    });
    const calls = intended.watched?.calls ?? 0;
    const summary = byRunbook.get(scenario.runbook) ?? {
      runbook: scenario.runbook,
      schedules: 0,
      faultsInjected: 0,
      violations: [],
    };
    byRunbook.set(scenario.runbook, summary);
    let { schedules, faultsInjected } = summary;
    for (let i = 0; i < options.schedules; i += 1) {
      const seed = options.seed + i;
      const faultSchedule = { seed, faults: faultsOf(seed, options.maxFaults ?? 3), calls };
      const violations = await underSchedule(scenario, intended, { ...options.run, faultSchedule });
      schedules += 1;
      faultsInjected += violations.injected;
      summary.violations.push(
        ...violations.found.map((v) => ({
          seed,
          scenario: scenario.id,
          invariant: v.invariant,
          detail: v.detail,
        })),
      );
      options.onSchedule?.(scenario.id, seed, violations.found);
    }
    byRunbook.set(scenario.runbook, { ...summary, schedules, faultsInjected });
  }
  return [...byRunbook.values()];
}

/** One run under a schedule; a run that throws breaks the invariant that executions end. */
async function underSchedule(
  scenario: Scenario<unknown, object, object>,
  intended: ScenarioResult,
  options: RunOptions,
): Promise<{ found: Violation[]; injected: number }> {
  try {
    const run = await runScenario(scenario, options);
    return { found: violationsOf(run, intended), injected: run.watched?.injected.length ?? 0 };
  } catch (error) {
    return {
      found: [{ invariant: 'execution-never-ended', detail: `the game day itself failed: ${String(error)}` }],
      injected: 0,
    };
  }
}
