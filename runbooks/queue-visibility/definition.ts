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
import { queueVisibility, type StepNames } from './runbook.js';

const { id, guardrails } = queueVisibility;
const { verifyIntervalSeconds, maxVerifyChecks, ...decisionGuardrails } = guardrails;

/** The runbook's state machine: inspect → decide → approve → set → read back → report, or put back. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const report = taskStep(scope, 'Report', {
    lambdaFunction: fn['report-queue-settings'],
    payload: TaskInput.fromObject({ executionId: JsonPath.executionId, state: JsonPath.objectAt('$') }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  const escalate = endWithReport(scope, fn, id, report);

  const inspect = taskStep(scope, 'Inspect the queue and its consumers', {
    lambdaFunction: fn['inspect-queue'],
    payload: TaskInput.fromObject({ executionInput: JsonPath.objectAt('$') }),
    resultPath: '$.evidence',
    onFailure: escalate,
  });
  const decide = taskStep(scope, 'Decide the settings', {
    lambdaFunction: fn['decide-queue-settings'],
    payload: TaskInput.fromObject({
      evidence: JsonPath.objectAt('$.evidence'),
      guardrails: decisionGuardrails,
    }),
    resultPath: '$.decision',
    onFailure: escalate,
  });
  const setting = (from: string, to: string) =>
    TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook: id,
      queueUrl: JsonPath.stringAt('$.evidence.queue.url'),
      from: JsonPath.objectAt(from),
      to: JsonPath.objectAt(to),
    });
  // Puts back exactly what the change replaced, then hands over to a human.
  const restore = taskStep(scope, 'Put the previous settings back', {
    lambdaFunction: fn['set-queue-settings'],
    payload: setting('$.decision.to', '$.decision.from'),
    resultPath: '$.restored',
    onFailure: escalate,
  }).next(escalate);
  const apply = taskStep(scope, 'Set the queue settings', {
    lambdaFunction: fn['set-queue-settings'],
    payload: setting('$.decision.from', '$.decision.to'),
    resultPath: '$.applied',
    onFailure: escalate,
  });

  const letPropagate = new Wait(scope, 'Let SQS propagate the change', {
    time: WaitTime.duration(Duration.seconds(verifyIntervalSeconds)),
  });
  const verify = taskStep(scope, 'Read the settings back', {
    lambdaFunction: fn['verify-queue-settings'],
    payload: TaskInput.fromObject({
      queueUrl: JsonPath.stringAt('$.evidence.queue.url'),
      expected: JsonPath.objectAt('$.decision.to'),
      previousChecks: JsonPath.numberAt('$.verification.checks'),
      maxChecks: maxVerifyChecks,
    }),
    resultPath: '$.verification',
    onFailure: restore,
  });
  apply
    .next(
      new Pass(scope, 'Start the checks', { result: { value: { checks: 0 } }, resultPath: '$.verification' }),
    )
    .next(letPropagate)
    .next(verify)
    .next(
      new Choice(scope, 'Do the settings hold?')
        .when(Condition.booleanEquals('$.verification.verified', true), report)
        .when(Condition.booleanEquals('$.verification.exhausted', true), restore)
        .otherwise(letPropagate),
    );

  const approval = new ApprovalStep(scope, 'Approve the settings', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.decision.approval',
    summaryPath: '$.decision.summary',
    evidencePath: '$.evidence',
    tiers: queueVisibility.approverTiers,
    onDeclined: escalate,
  });
  approval.next(apply);

  return inspect
    .next(decide)
    .next(
      new Choice(scope, 'What does the decision say?')
        .when(Condition.stringEquals('$.decision.action', 'change'), approval)
        .when(Condition.stringEquals('$.decision.action', 'escalate'), escalate)
        .otherwise(report),
    );
}
