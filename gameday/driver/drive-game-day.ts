import { type AppliedFault, applyFault } from '../faults/apply-fault.js';
import type { Scenario } from '../scenario.js';
import type { DriverDeps } from './driver-deps.js';
import { type ExecutionPath, executionPath } from './execution-path.js';
import { findExecution, follow, GameDayTimeoutError, waitForAlarm } from './follow-runbook.js';

/** What a closed-loop game day did, measured from the fault. */
export interface DriverResult {
  readonly gameDay: string;
  readonly runbook: string;
  readonly outcome: 'passed' | 'failed' | 'interrupted' | 'timed-out';
  readonly reason: string;
  readonly fault: string | null;
  readonly faultAt: string;
  readonly alarmAt: string | null;
  readonly executionName: string | null;
  readonly executionStatus: string | null;
  readonly expectedOutcome: string | null;
  readonly runbookOutcome: string | null;
  readonly recoveredAt: string | null;
  readonly timeToDetectSeconds: number | null;
  readonly timeToMitigateSeconds: number | null;
  /** What the driver put back, whatever happened, and what it then read back. */
  readonly cleanup: readonly string[];
  /** Whether the APIs show the fault gone after the clean-up (null: nothing was injected). */
  readonly faultGone: boolean | null;
  /** What the driver saw, in seconds from the fault. */
  readonly timeline: readonly { readonly offsetSeconds: number; readonly text: string }[];
  /** The states the runbook's execution went through, from its history. */
  readonly path: ExecutionPath | null;
  /** The runbook's report (the execution's output). */
  readonly report: unknown;
}

/**
 * Runs one closed-loop game day against an account: injects the fault (FIS or a deployment),
 * waits for the watched alarm, finds the execution the dispatcher started (its name begins with
 * the runbook and the alarm), follows it (answering approvals only with `approve: 'auto'`), and
 * waits for the alarm to return to OK. Time to detect is fault → ALARM, time to mitigate fault →
 * OK. Whatever happens (success, failure, timeout, interruption) the fault is taken back.
 */
export async function driveGameDay(
  scenario: Scenario<unknown, object, object>,
  deps: DriverDeps,
): Promise<DriverResult> {
  const { fault, watchAlarm } = scenario;
  if (!fault || !watchAlarm)
    throw new Error(`game day ${scenario.id} is not closed-loop (no fault through AWS, no watched alarm)`);
  const poll = (deps.pollSeconds ?? 30) * 1000;
  const expectedOutcome = (scenario.expected as { runbookOutcome?: string }).runbookOutcome ?? null;
  const faultAt = deps.now();
  const seconds = (at: Date | null) => (at ? Math.round((at.getTime() - faultAt.getTime()) / 1000) : null);
  const state: {
    applied?: AppliedFault;
    fault: string | null;
    executionArn?: string;
    alarmAt: Date | null;
    executionName: string | null;
    executionStatus: string | null;
    runbookOutcome: string | null;
    recoveredAt: Date | null;
    path: ExecutionPath | null;
    report: unknown;
  } = {
    fault: null,
    alarmAt: null,
    executionName: null,
    executionStatus: null,
    runbookOutcome: null,
    recoveredAt: null,
    path: null,
    report: null,
  };
  const cleanup: string[] = [];
  const timeline: { offsetSeconds: number; text: string }[] = [];
  const note = (line: string) => {
    timeline.push({ offsetSeconds: seconds(deps.now()) ?? 0, text: line });
    deps.log(line);
  };
  const log = (line: string) => {
    note(line);
    deps.signal?.throwIfAborted();
  };
  let outcome: DriverResult['outcome'] = 'failed';
  let reason = '';
  let faultGone: boolean | null = null;
  try {
    state.fault = await applyFault(
      scenario.id,
      fault,
      { clients: deps.clients, sleep: (ms) => deps.sleep(ms, deps.signal) },
      (applied) => (state.applied = applied),
    );
    log(`fault: ${state.fault}`);
    state.alarmAt = await waitForAlarm(
      deps,
      watchAlarm,
      'ALARM',
      faultAt,
      (scenario.detectionMinutes ?? 30) * 60_000,
      poll,
    );
    log(`alarm: ${watchAlarm} in ALARM after ${seconds(state.alarmAt)} s`);
    const executionArn = await findExecution(deps, scenario.runbook, watchAlarm, faultAt, poll);
    state.executionArn = executionArn;
    state.executionName = executionArn.split(':').pop() ?? null;
    log(`runbook: ${state.executionName}`);
    const done = await follow(deps, scenario.runbook, executionArn, poll);
    state.executionStatus = done.status;
    state.runbookOutcome = done.outcome;
    state.report = done.report;
    log(`runbook: ${done.status}${done.outcome ? `, ${done.outcome}` : ''}`);
    if (done.outcome === 'remediated') {
      state.recoveredAt = await waitForAlarm(deps, watchAlarm, 'OK', state.alarmAt, 30 * 60_000, poll);
      log(`alarm: ${watchAlarm} back to OK after ${seconds(state.recoveredAt)} s`);
    }
    const matches = expectedOutcome === null || state.runbookOutcome === expectedOutcome;
    outcome = matches ? 'passed' : 'failed';
    reason = matches
      ? `runbook ${state.runbookOutcome}`
      : `expected ${expectedOutcome}, runbook ${state.runbookOutcome ?? state.executionStatus}`;
  } catch (error) {
    const e = error as Error;
    outcome =
      e.name === 'AbortError' ? 'interrupted' : e instanceof GameDayTimeoutError ? 'timed-out' : 'failed';
    reason = `${e.name}: ${e.message}`;
  } finally {
    // The path so far, also for a run interrupted or timed out while the runbook was running.
    if (state.executionArn)
      state.path = await executionPath(deps.clients.sfn, state.executionArn).catch(() => null);
    if (state.applied) {
      const left = await takeBack(state.applied, (ms) => deps.sleep(ms));
      faultGone = left.gone;
      for (const line of left.lines) {
        cleanup.push(line);
        note(`clean-up: ${line}`);
      }
    }
  }
  if (faultGone === false && outcome === 'passed') {
    outcome = 'failed';
    reason = `the fault is still in place after the clean-up: ${cleanup.at(-1)}`;
  }
  return {
    gameDay: scenario.id,
    runbook: scenario.runbook,
    outcome,
    reason,
    fault: state.fault,
    faultAt: faultAt.toISOString(),
    alarmAt: state.alarmAt?.toISOString() ?? null,
    executionName: state.executionName,
    executionStatus: state.executionStatus,
    expectedOutcome,
    runbookOutcome: state.runbookOutcome,
    recoveredAt: state.recoveredAt?.toISOString() ?? null,
    timeToDetectSeconds: seconds(state.alarmAt),
    timeToMitigateSeconds: seconds(state.recoveredAt),
    cleanup,
    faultGone,
    timeline,
    path: state.path,
    report: state.report,
  };
}

/**
 * Takes the fault back and reads back through the APIs whether it is gone; never throws, so the
 * result always says what happened.
 */
async function takeBack(
  applied: AppliedFault,
  sleep: (ms: number) => Promise<void>,
): Promise<{ gone: boolean; lines: string[] }> {
  const failure = (what: string) => (e: Error) => `${what} (${e.name}: ${e.message})`;
  const undone = await applied.undo(sleep).catch(failure('could not take the fault back'));
  const left = await applied.leftInPlace(sleep).catch((e: Error) => [failure('could not check')(e)]);
  return {
    gone: left.length === 0,
    lines: [
      undone,
      left.length === 0 ? 'checked: nothing of the fault is left' : `LEFT IN PLACE: ${left.join('; ')}`,
    ],
  };
}
