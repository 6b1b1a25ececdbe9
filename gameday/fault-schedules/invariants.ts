import { claimSeconds } from '../../handlers/lib/target-lease.js';
import type { ScenarioResult } from '../run-scenario.js';
import { differences } from './resource-state.js';

/** An invariant a run under faults broke, in words a reader can check against the account. */
export interface Violation {
  readonly invariant:
    | 'resource-in-between'
    | 'execution-never-ended'
    | 'lease-not-released'
    | 'change-not-in-audit'
    | 'report-untrue'
    | 'message-lost'
    | 'secret-current-invalid';
  readonly detail: string;
}

/** Outcomes that say the runbook changed the resource as it meant to. */
const claimsChange = new Set(['remediated', 'upgraded', 'rotated', 'rolled-back']);

/**
 * What every run must hold whatever AWS did underneath it, read from the run under faults and the
 * same game day without faults (`intended`): the resource ends as some execution found it or as
 * the fault-free run left it, never in between; every execution ended; no lease outlives its
 * execution (a claim whose execution never started lapses within minutes); a resource that
 * changed has the change in the audit trail; a report that claims the change the fault-free run
 * made is true of the resource; no message is lost; AWSCURRENT's credentials log in wherever they
 * did in the fault-free run.
 */
export function violationsOf(run: ScenarioResult, intended: ScenarioResult): Violation[] {
  const watched = run.watched;
  const aim = intended.watched;
  if (!watched || !aim) throw new Error(`${run.scenario}: the runs were not watched`);
  const violations: Violation[] = [];
  const [before = watched.final] = watched.atStarts;
  const acceptable = [...watched.atStarts, aim.final];
  if (!acceptable.some((state) => differences(state, watched.final).length === 0)) {
    violations.push({
      invariant: 'resource-in-between',
      detail: `neither as found nor as intended; from before: ${differences(before, watched.final).join('; ')}; from intended: ${differences(aim.final, watched.final).join('; ')}`,
    });
  }
  const running = run.finalState.executions.filter((e) => e.status === 'RUNNING');
  if (running.length)
    violations.push({
      invariant: 'execution-never-ended',
      detail: `still running: ${running.map((e) => e.name).join(', ')}`,
    });
  const live = new Set(running.map((e) => e.name));
  for (const lease of run.finalState.leases) {
    const holder = lease.holder;
    // A dispatch cut off after taking its claim, its retries failing too: the claim lapses soon.
    const lapsingClaim =
      lease.started === false &&
      typeof lease.expiresAt === 'number' &&
      lease.expiresAt <= run.finalState.readAt + claimSeconds;
    if (typeof holder === 'string' && !live.has(holder) && !lapsingClaim)
      violations.push({
        invariant: 'lease-not-released',
        detail: `${String(lease.pk)} still held by ${holder}, which ended`,
      });
  }
  const changed = differences(before, watched.final);
  if (changed.length && !run.timeline.some((entry) => entry.kind === 'change'))
    violations.push({
      invariant: 'change-not-in-audit',
      detail: `the resource changed with no change recorded: ${changed.join('; ')}`,
    });
  const claimed = outcomeOf(run);
  if (
    claimed !== undefined &&
    claimsChange.has(claimed) &&
    claimed === outcomeOf(intended) &&
    differences(aim.final, watched.final).length
  )
    violations.push({
      invariant: 'report-untrue',
      detail: `reported ${claimed}, but the resource is not as the fault-free run left it: ${differences(aim.final, watched.final).join('; ')}`,
    });
  const credentials = (result: ScenarioResult) =>
    (result.actual as { currentCredentials?: unknown }).currentCredentials;
  if (credentials(run) === 'refused' && credentials(intended) !== 'refused')
    violations.push({
      invariant: 'secret-current-invalid',
      detail: 'the database refuses the credentials AWSCURRENT holds',
    });
  const lost = (run.actual as { lost?: unknown }).lost;
  if (typeof lost === 'number' && lost > 0)
    violations.push({ invariant: 'message-lost', detail: `${lost} message(s) lost` });
  return violations;
}

const outcomeOf = (result: ScenarioResult) =>
  (result.actual as { runbookOutcome?: unknown }).runbookOutcome as string | undefined;
