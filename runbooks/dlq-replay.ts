import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, JsonPath, Pass, TaskInput, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { dlqReplayInputSchema } from '../handlers/inspect-dlq.js';
import { ErrorNames } from '../handlers/lib/errors.js';
import type { ReplayGuardrails } from '../handlers/plan-replay.js';
import { ApprovalStep, approvalGate } from './fragments/approval-step.js';
import { releaseLeaseStep } from './fragments/release-lease-step.js';
import { escalateStep, taskStep } from './fragments/task-step.js';
import type { Runbook, RunbookFunctions } from './runbook.js';

const id = 'dlq-replay';

const guardrails: ReplayGuardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  maxMessagesPerRun: 50_000,
  defaultRatePerSecond: 100,
  maxConsumerErrorRate: 0.05,
  visibilityTimeoutFactor: 6,
  maxReplays: 3,
  stopRatio: 0.1,
  stopAfterLandedBack: 10,
};

const approverTiers = [
  { group: 'on-call', timeout: Duration.minutes(30) },
  { group: 'incident-leads', timeout: Duration.minutes(30) },
] as const;

/** Minutes of the consumer's metrics that say whether it is healthy again. */
const consumerLookbackMinutes = 10;
/** Batches one replay invocation moves at once (SQS calls are mostly waiting). */
const replayConcurrency = 4;
/** One replay invocation's time budget; the loop goes on in the state machine. */
const batchBudgetSeconds = 20;
/**
 * Replay invocations one execution may make: each costs about 7 history events, so the loop stays
 * far below Step Functions' 25,000-event limit (about 50,000 messages at 100/s fit well within).
 */
const maxReplayInvocations = 1_000;
/** Move task checks, one every 30 seconds: 4 hours. */
const moveTaskPollInterval = Duration.seconds(30);
const maxMoveTaskChecks = 480;

function build(scope: Construct, fn: RunbookFunctions) {
  const report = taskStep(scope, 'Verify and report', {
    lambdaFunction: fn['report-replay'],
    payload: TaskInput.fromObject({ executionId: JsonPath.executionId, state: JsonPath.objectAt('$') }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  report.next(releaseLeaseStep(scope, fn));

  const escalate = escalateStep(scope, fn, id).next(report);

  const inspect = taskStep(scope, 'Inspect the DLQ', {
    lambdaFunction: fn['inspect-dlq'],
    payload: TaskInput.fromObject({ executionInput: JsonPath.objectAt('$'), consumerLookbackMinutes }),
    resultPath: '$.evidence',
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });

  const plan = taskStep(scope, 'Plan the replay', {
    lambdaFunction: fn['plan-replay'],
    payload: TaskInput.fromObject({ evidence: JsonPath.objectAt('$.evidence'), guardrails }),
    resultPath: '$.plan',
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });

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
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });
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
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });
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
        replayed: 0,
        quarantined: 0,
        landedBack: 0,
        failedEntries: 0,
        retries: 0,
        invocations: 0,
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
      maxMessages: JsonPath.numberAt('$.plan.maxMessages'),
      maxReplays: guardrails.maxReplays,
      quarantineSignatures: JsonPath.listAt('$.plan.quarantineSignatures'),
      dlqAtStart: JsonPath.mathAdd(
        JsonPath.numberAt('$.evidence.dlq.visible'),
        JsonPath.numberAt('$.evidence.dlq.inFlight'),
      ),
      stopRatio: guardrails.stopRatio,
      stopAfterLandedBack: guardrails.stopAfterLandedBack,
      budgetSeconds: batchBudgetSeconds,
      concurrency: replayConcurrency,
      progress: JsonPath.objectAt('$.progress'),
    }),
    resultPath: '$.progress',
  })
    // An invocation that dies mid-batch (timeout, crash) is retried; what it sent but did not delete is sent again.
    .addRetry({
      errors: ['Sandbox.Timedout', ErrorNames.timeout, 'Lambda.Unknown'],
      interval: Duration.seconds(5),
      maxAttempts: 5,
      backoffRate: 2,
    })
    .addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });
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
    summaryPath: '$.plan.summary',
    evidencePath: '$.evidence',
    tiers: approverTiers,
  }).onDeclined(escalate);
  approval.next(byPath);

  return inspect
    .next(plan)
    .next(
      new Choice(scope, 'Replay?')
        .when(
          Condition.stringEquals('$.plan.action', 'replay'),
          approvalGate(scope, '$.plan.approval', approval, byPath),
        )
        .otherwise(report),
    );
}

/** Puts dead-lettered messages back once their consumer is healthy, without losing or flooding. */
export const dlqReplay: Runbook = {
  id,
  title: 'SQS DLQ replay',
  description:
    'Messages piled up in a dead-letter queue. Inspects the DLQ, its source queue and consumer; refuses ' +
    'while the consumer still fails; plans the replay (native move task, or controlled batches that ' +
    'quarantine poison messages, pace the consumer and keep FIFO ids), asks for approval where policy ' +
    'requires it, replays without losing a message, stops if replayed messages come back, and reports.',
  trigger: {
    description:
      'CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible > 0 of a dead-letter queue (QueueName dimension), or a manual start with { dlq, source?, maxMessages?, ratePerSecond?, dryRun? }',
    metrics: [{ namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible' }],
  },
  inputSchema: dlqReplayInputSchema,
  approval: guardrails.approval,
  approverGroups: approverTiers.map((tier) => tier.group),
  guardrails: {
    ...guardrails,
    consumerLookbackMinutes,
    batchBudgetSeconds,
    replayConcurrency,
    maxReplayInvocations,
  },
  timeout: Duration.hours(6),
  cooldown: Duration.minutes(15),
  steps: [
    'inspect-dlq',
    'plan-replay',
    'request-approval',
    'start-move-task',
    'check-move-task',
    'replay-batch',
    'escalate',
    'report-replay',
    'release-lease',
  ],
  build,
};
