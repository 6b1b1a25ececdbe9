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
import { ApprovalStep } from '../fragments/approval-step.js';
import { endWithReport } from '../fragments/runbook-end.js';
import { taskStep } from '../fragments/task-step.js';
import type { RunbookFunctions } from '../runbook.js';
import { type StepNames, secretRotation } from './runbook.js';

const { id, guardrails } = secretRotation;

/** The runbook's state machine. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const report = taskStep(scope, 'Report', {
    lambdaFunction: fn['report-rotation'],
    payload: TaskInput.fromObject({ executionId: JsonPath.executionId, state: JsonPath.objectAt('$') }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  const escalate = endWithReport(scope, fn, id, report);
  const secretId = JsonPath.stringAt('$.inspection.secretId');

  // Rollback: previous credentials back in the target system, labels back, consumers checked again.
  const consumersAfterRollback = taskStep(scope, 'Check consumers after the rollback', {
    lambdaFunction: fn['check-consumers'],
    payload: TaskInput.fromObject({
      secretId,
      consumers: JsonPath.objectAt('$.inspection.consumers'),
      expectVersionId: JsonPath.stringAt('$.rotation.previousVersion'),
    }),
    resultPath: '$.afterRollback',
    onFailure: escalate,
  }).next(escalate);
  const rollBack = taskStep(scope, 'Roll the rotation back', {
    lambdaFunction: fn['roll-back-rotation'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook: id,
      secretId,
      rotationFunction: JsonPath.stringAt('$.inspection.rotationFunction'),
      versionId: JsonPath.stringAt('$.rotation.versionId'),
      previousVersion: JsonPath.stringAt('$.rotation.previousVersion'),
      previousOfPrevious: JsonPath.stringAt('$.rotation.previousOfPrevious'),
    }),
    resultPath: '$.rollback',
    onFailure: escalate,
  })
    // The old credentials could not be set again (the target or the rotation function failing):
    // try again a while before handing over with AWSCURRENT where it still works.
    .addRetry({
      errors: ['RotationRestoreFailed'],
      interval: Duration.seconds(10),
      maxAttempts: 3,
      backoffRate: 2,
    })
    .next(consumersAfterRollback);

  const consumers = taskStep(scope, 'Check consumers', {
    lambdaFunction: fn['check-consumers'],
    payload: TaskInput.fromObject({
      secretId,
      consumers: JsonPath.objectAt('$.inspection.consumers'),
      expectVersionId: JsonPath.stringAt('$.rotation.versionId'),
    }),
    resultPath: '$.consumerCheck',
    onFailure: rollBack,
  }).next(
    new Choice(scope, 'All consumers healthy?')
      .when(Condition.booleanEquals('$.consumerCheck.allHealthy', true), report)
      .otherwise(rollBack),
  );

  const letRotate = new Wait(scope, 'Let Secrets Manager rotate', {
    time: WaitTime.duration(Duration.seconds(guardrails.rotationPollSeconds)),
  });
  const check = taskStep(scope, 'Check the rotation', {
    lambdaFunction: fn['check-rotation'],
    payload: TaskInput.fromObject({
      secretId,
      versionId: JsonPath.stringAt('$.rotation.versionId'),
      previousChecks: JsonPath.numberAt('$.check.checks'),
      maxChecks: guardrails.maxRotationChecks,
    }),
    resultPath: '$.check',
    onFailure: rollBack,
  });
  letRotate
    .next(check)
    .next(
      new Choice(scope, 'Rotation finished?')
        .when(Condition.stringEquals('$.check.status', 'succeeded'), consumers)
        .when(Condition.stringEquals('$.check.status', 'failed'), rollBack)
        .otherwise(letRotate),
    );
  // Nothing has changed when RotateSecret is refused: hand over without a rollback.
  const start = taskStep(scope, 'Start the rotation', {
    lambdaFunction: fn['start-rotation'],
    payload: TaskInput.fromObject({ executionId: JsonPath.executionId, runbook: id, secretId }),
    resultPath: '$.rotation',
    onFailure: escalate,
  })
    .next(
      new Pass(scope, 'Start rotation checks', { result: { value: { checks: 0 } }, resultPath: '$.check' }),
    )
    .next(letRotate);

  const clear = taskStep(scope, 'Clear the stale AWSPENDING label', {
    lambdaFunction: fn['clear-stale-pending'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook: id,
      secretId,
      versionId: JsonPath.stringAt('$.inspection.stalePending'),
    }),
    resultPath: '$.cleared',
    onFailure: escalate,
  }).next(start);
  const approval = new ApprovalStep(scope, 'Ask to clear the stale label', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.inspection.approval',
    gateName: 'Approval required?',
    summaryPath: '$.inspection.summary',
    evidencePath: '$.inspection',
    tiers: secretRotation.approverTiers,
    onDeclined: escalate,
  });
  approval.next(clear);

  const inspect = taskStep(scope, 'Inspect the secret', {
    lambdaFunction: fn['inspect-secret'],
    payload: TaskInput.fromObject({
      executionInput: JsonPath.objectAt('$'),
      approval: guardrails.approval,
      maxConsumers: guardrails.maxConsumers,
    }),
    resultPath: '$.inspection',
    onFailure: escalate,
  });
  return inspect.next(
    new Choice(scope, 'What does preflight say?')
      .when(Condition.stringEquals('$.inspection.action', 'clear-then-rotate'), approval)
      .when(Condition.stringEquals('$.inspection.action', 'rotate'), start)
      .otherwise(escalate),
  );
}
