import { Duration } from 'aws-cdk-lib';
import {
  Choice,
  Condition,
  type IChainable,
  JsonPath,
  Pass,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { noReplayProgress } from '../../handlers/dlq-replay/contract.js';
import { ErrorNames } from '../../handlers/lib/errors.js';
import { ApprovalStep } from '../fragments/approval-step.js';
import { endWithReport } from '../fragments/runbook-end.js';
import { taskStep } from '../fragments/task-step.js';
import type { RunbookFunctions } from '../runbook.js';
import { dlqReplay, type StepNames } from './runbook.js';

const { id, guardrails } = dlqReplay;
/** The plan step checks the replay against the replay guardrails; the rest shape the definition. */
const {
  consumerLookbackMinutes,
  batchBudgetSeconds,
  replayConcurrency,
  maxReplayInvocations,
  ...planGuardrails
} = guardrails;

/** Move task checks, one every 30 seconds: 4 hours. */
const moveTaskPollInterval = Duration.seconds(30);
const maxMoveTaskChecks = 480;

/** The runbook's state machine. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const report = taskStep(scope, 'Verify and report', {
    lambdaFunction: fn['report-replay'],
    payload: TaskInput.fromObject({ executionId: JsonPath.executionId, state: JsonPath.objectAt('$') }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  const escalate = endWithReport(scope, fn, id, report);

  const inspect = taskStep(scope, 'Inspect the DLQ', {
    lambdaFunction: fn['inspect-dlq'],
    payload: TaskInput.fromObject({ executionInput: JsonPath.objectAt('$'), consumerLookbackMinutes }),
    resultPath: '$.evidence',
    onFailure: escalate,
  });

  const plan = taskStep(scope, 'Plan the replay', {
    lambdaFunction: fn['plan-replay'],
    payload: TaskInput.fromObject({ evidence: JsonPath.objectAt('$.evidence'), guardrails: planGuardrails }),
    resultPath: '$.plan',
    onFailure: escalate,
  });

  // Fast path: SQS's own move task, polled until it ends.
  const startMove = taskStep(scope, 'Start the move task', {
    lambdaFunction: fn['start-move-task'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      dlqArn: JsonPath.stringAt('$.evidence.dlq.arn'),
      sourceArn: JsonPath.stringAt('$.evidence.source.arn'),
      ratePerSecond: JsonPath.numberAt('$.plan.ratePerSecond'),
    }),
    resultPath: '$.moveTask',
    onFailure: escalate,
  });
  const waitForMove = new Wait(scope, 'Let the move task run', {
    time: WaitTime.duration(moveTaskPollInterval),
  });
  const checkMove = taskStep(scope, 'Check the move task', {
    lambdaFunction: fn['check-move-task'],
    payload: TaskInput.fromObject({
      dlqArn: JsonPath.stringAt('$.evidence.dlq.arn'),
      checks: JsonPath.numberAt('$.moveTask.checks'),
    }),
    resultPath: '$.moveTask',
    onFailure: escalate,
  });
  startMove
    .next(waitForMove)
    .next(checkMove)
    .next(
      new Choice(scope, 'Move task over?')
        .when(Condition.booleanEquals('$.moveTask.done', true), report)
        .when(Condition.numberGreaterThanEquals('$.moveTask.checks', maxMoveTaskChecks), report)
        .otherwise(waitForMove),
    );

  // Controlled path: batches with filtering, pacing and FIFO ids, in a bounded loop.
  const startProgress = new Pass(scope, 'Start counting', {
    result: {
      value: {
        ...noReplayProgress,
        done: false,
        stopped: false,
        reason: '',
      },
    },
    resultPath: '$.progress',
  });
  const replay = taskStep(scope, 'Replay a batch', {
    lambdaFunction: fn['replay-batch'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      dlqUrl: JsonPath.stringAt('$.evidence.dlq.url'),
      sourceUrl: JsonPath.stringAt('$.evidence.source.url'),
      quarantineUrl: JsonPath.stringAt('$.evidence.quarantine.url'),
      fifo: JsonPath.objectAt('$.evidence.dlq.fifo'),
      ratePerSecond: JsonPath.numberAt('$.plan.ratePerSecond'),
      control: JsonPath.objectAt('$.plan.control'),
      maxMessages: JsonPath.numberAt('$.plan.maxMessages'),
      maxReplays: guardrails.maxReplays,
      quarantineSignatures: JsonPath.listAt('$.plan.quarantineSignatures'),
      quarantineAtStart: JsonPath.numberAt('$.evidence.quarantine.depth'),
      dlqAtStart: JsonPath.mathAdd(
        JsonPath.numberAt('$.evidence.dlq.visible'),
        JsonPath.numberAt('$.evidence.dlq.inFlight'),
      ),
      dlqInFlightAtStart: JsonPath.numberAt('$.evidence.dlq.inFlight'),
      stopRatio: guardrails.stopRatio,
      stopAfterLandedBack: guardrails.stopAfterLandedBack,
      budgetSeconds: batchBudgetSeconds,
      concurrency: replayConcurrency,
      progress: JsonPath.objectAt('$.progress'),
    }),
    resultPath: '$.progress',
    onFailure: escalate,
  })
    // An invocation that dies mid-batch (timeout, crash) is retried; what it sent but did not
    // delete is sent again. Sandbox.Timedout is every step's retry (taskStep); these are the rest.
    .addRetry({
      errors: [ErrorNames.timeout, 'Lambda.Unknown'],
      interval: Duration.seconds(5),
      maxAttempts: 5,
      backoffRate: 2,
    });
  const stopped = new Pass(scope, 'Stop: replayed messages come back', {
    parameters: { action: 'escalate', 'reason.$': '$.progress.reason' },
    resultPath: '$.decision',
  }).next(escalate);
  startProgress
    .next(replay)
    .next(
      new Choice(scope, 'Replay over?')
        .when(Condition.booleanEquals('$.progress.stopped', true), stopped)
        .when(Condition.booleanEquals('$.progress.done', true), report)
        .when(Condition.numberGreaterThanEquals('$.progress.invocations', maxReplayInvocations), report)
        .otherwise(replay),
    );

  const byPath = new Choice(scope, 'Which path?')
    .when(Condition.stringEquals('$.plan.path', 'move-task'), startMove)
    .otherwise(startProgress);
  const approval = new ApprovalStep(scope, 'Ask for approval', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.plan.approval',
    gateName: 'Approval required?',
    summaryPath: '$.plan.summary',
    evidencePath: '$.evidence',
    tiers: dlqReplay.approverTiers,
    onDeclined: escalate,
  });
  approval.next(byPath);

  return inspect
    .next(plan)
    .next(
      new Choice(scope, 'Replay?')
        .when(Condition.stringEquals('$.plan.action', 'replay'), approval)
        .otherwise(report),
    );
}
