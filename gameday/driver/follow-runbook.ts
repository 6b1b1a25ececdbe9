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
import { PlatformError } from '../../handlers/lib/errors.js';
import { findRunbook } from '../../runbooks/index.js';
import type { DriverDeps } from './driver-deps.js';

/** A wait of the game day ran past its limit. */
export class GameDayTimeoutError extends PlatformError {
  override readonly name = 'GameDayTimeoutError';
}

const wait = (deps: DriverDeps, ms: number) => deps.sleep(ms, deps.signal);

/**
 * When the alarm first went to `wanted` after `since`, from its history: polling its state alone
 * can miss an ALARM the runbook ended between two polls.
 */
export async function waitForAlarm(
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
      throw new GameDayTimeoutError(`${name} did not reach ${wanted} within ${limitMs / 60_000} minutes`);
    await wait(deps, poll);
  }
}

/** The execution the dispatcher started for the alarm after the fault: its name is `<runbook>-<alarm>-…`. */
export async function findExecution(
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
    await wait(deps, poll);
  }
  throw new GameDayTimeoutError(`no ${runbook} execution for ${alarm} started after the fault`);
}

/** Follows an execution to its end, answering its approval requests when the driver may. */
export async function follow(deps: DriverDeps, runbook: string, executionArn: string, poll: number) {
  const limit = deps.now().getTime() + findRunbook(runbook).timeoutSeconds * 1000;
  for (;;) {
    const execution = await deps.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') {
      const report: unknown = execution.output ? JSON.parse(execution.output) : null;
      const outcome = (report as { outcome?: unknown } | null)?.outcome;
      return {
        status: execution.status ?? 'UNKNOWN',
        outcome: typeof outcome === 'string' ? outcome : null,
        report,
      };
    }
    if (deps.approve === 'auto' && deps.approvalTable)
      await approvePending(deps, runbook, executionArn, deps.approvalTable);
    if (deps.now().getTime() >= limit)
      throw new GameDayTimeoutError(`${executionArn} still running after the runbook's timeout`);
    await wait(deps, poll);
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
