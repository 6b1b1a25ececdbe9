import {
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { ApprovalRecords, approvalIdFor } from '../../handlers/lib/approval-records.js';
import type { AwsClients } from '../../handlers/lib/aws-clients.js';
import { findRunbook } from '../../runbooks/index.js';
import { type AppliedFault, applyFault } from '../faults/apply-fault.js';
import type { Scenario } from '../scenario.js';

/** How the driver reaches an account (the simulated one, or a sandbox) and waits in it. */
export interface DriverDeps {
  readonly clients: Pick<AwsClients, 'fis' | 'lambda' | 'cloudwatch' | 'sfn' | 'dynamodb'>;
  readonly now: () => Date;
  /** Waits; rejects once the run is interrupted. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Interrupts the run (Ctrl-C): checked between phases as well as while waiting. */
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
  /** `auto`: answer the runbook's approval requests (sandbox only); `slack`: leave them to people. */
  readonly approve: 'auto' | 'slack';
  /** The approval requests table, for `approve: 'auto'`. */
  readonly approvalTable?: string;
  /** Seconds between polls. Default: 30. */
  readonly pollSeconds?: number;
}

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
  /** What the driver put back, whatever happened. */
  readonly cleanup: readonly string[];
}

class TimedOut extends Error {
  override readonly name = 'TimedOut';
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
    alarmAt: Date | null;
    executionName: string | null;
    executionStatus: string | null;
    runbookOutcome: string | null;
    recoveredAt: Date | null;
  } = { alarmAt: null, executionName: null, executionStatus: null, runbookOutcome: null, recoveredAt: null };
  const cleanup: string[] = [];
  const log = (line: string) => {
    deps.log(line);
    deps.signal?.throwIfAborted();
  };
  let outcome: DriverResult['outcome'] = 'failed';
  let reason = '';
  try {
    state.applied = await applyFault(scenario.id, fault, deps);
    log(`fault: ${state.applied.description}`);
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
    state.executionName = executionArn.split(':').pop() ?? null;
    log(`runbook: ${state.executionName}`);
    const done = await follow(deps, scenario.runbook, executionArn, poll);
    state.executionStatus = done.status;
    state.runbookOutcome = done.outcome;
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
    outcome = e.name === 'AbortError' ? 'interrupted' : e instanceof TimedOut ? 'timed-out' : 'failed';
    reason = `${e.name}: ${e.message}`;
  } finally {
    if (state.applied) {
      const undone = await state.applied
        .undo()
        .catch((e: Error) => `could not take the fault back (${e.name}: ${e.message})`);
      cleanup.push(undone);
      deps.log(`clean-up: ${undone}`);
    }
  }
  return {
    gameDay: scenario.id,
    runbook: scenario.runbook,
    outcome,
    reason,
    fault: state.applied?.description ?? null,
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
  };
}

/**
 * When the alarm first went to `wanted` after `since`, from its history: polling its state alone
 * can miss an ALARM the runbook ended between two polls.
 */
async function waitForAlarm(
  deps: DriverDeps,
  name: string,
  wanted: StateValue,
  since: Date,
  limitMs: number,
  poll: number,
): Promise<Date> {
  const { MetricAlarms = [] } = await deps.clients.cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [name] }),
  );
  if (!MetricAlarms[0]) throw new Error(`no alarm named ${name} in this account`);
  const until = deps.now().getTime() + limitMs;
  for (;;) {
    const history = await deps.clients.cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: name,
        HistoryItemType: 'StateUpdate',
        StartDate: since,
        ScanBy: 'TimestampAscending',
      }),
    );
    const reached = (history.AlarmHistoryItems ?? [])
      .filter(
        (h) =>
          (JSON.parse(h.HistoryData ?? '{}') as { newState?: { stateValue?: string } }).newState
            ?.stateValue === wanted,
      )
      .map((h) => h.Timestamp?.getTime() ?? 0)
      .filter((at) => at >= since.getTime())
      .sort((a, b) => a - b)[0];
    if (reached !== undefined) return new Date(reached);
    if (deps.now().getTime() >= until)
      throw new TimedOut(`${name} did not reach ${wanted} within ${limitMs / 60_000} minutes`);
    await deps.sleep(poll);
  }
}

/** The execution the dispatcher started for the alarm after the fault: its name is `<runbook>-<alarm>-…`. */
async function findExecution(
  deps: DriverDeps,
  runbook: string,
  alarm: string,
  since: Date,
  poll: number,
): Promise<string> {
  const machines = await deps.clients.sfn.send(new ListStateMachinesCommand({}));
  const machine = machines.stateMachines?.find((m) => m.name === `runbook-${runbook}`);
  if (!machine?.stateMachineArn)
    throw new Error(`no state machine runbook-${runbook}: is the platform deployed here?`);
  const prefix = `${runbook}-${alarm.replace(/[^A-Za-z0-9_-]/g, '-')}-`;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const listed = await deps.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
    );
    const found = listed.executions?.find(
      (e) => e.name?.startsWith(prefix) && (e.startDate?.getTime() ?? 0) >= since.getTime(),
    );
    if (found?.executionArn) return found.executionArn;
    await deps.sleep(poll);
  }
  throw new TimedOut(`no ${runbook} execution for ${alarm} started after the fault`);
}

/** Follows an execution to its end, answering its approval requests when the driver may. */
async function follow(deps: DriverDeps, runbook: string, executionArn: string, poll: number) {
  const limit = deps.now().getTime() + findRunbook(runbook).timeoutSeconds * 1000;
  for (;;) {
    const execution = await deps.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') {
      const report = execution.output ? (JSON.parse(execution.output) as { outcome?: string }) : {};
      return { status: execution.status ?? 'UNKNOWN', outcome: report.outcome ?? null };
    }
    if (deps.approve === 'auto' && deps.approvalTable)
      await approvePending(deps, runbook, executionArn, deps.approvalTable);
    if (deps.now().getTime() >= limit)
      throw new TimedOut(`${executionArn} still running after the runbook's timeout`);
    await deps.sleep(poll);
  }
}

async function approvePending(
  deps: DriverDeps,
  runbook: string,
  executionArn: string,
  table: string,
): Promise<void> {
  const records = new ApprovalRecords(deps.clients.dynamodb, table);
  for (const { group } of findRunbook(runbook).approverTiers) {
    const record = await records.get(approvalIdFor(executionArn, group));
    if (record?.status !== 'pending') continue;
    const at = deps.now().toISOString();
    await records.decide(record.approvalId, { status: 'approved', by: 'game-day-driver', at });
    await deps.clients.sfn.send(
      new SendTaskSuccessCommand({
        taskToken: record.taskToken,
        output: JSON.stringify({
          approvedBy: 'game-day-driver',
          approvedAt: at,
          approvalId: record.approvalId,
        }),
      }),
    );
    deps.log(`approval: ${group} approved by the driver (sandbox, --approve auto)`);
  }
}
