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
import { lambdaThrottling, type StepNames } from './runbook.js';

const { id, guardrails } = lambdaThrottling;
/** The decision checks these; the rest shape the definition. */
const {
  lookbackMinutes,
  baselineMinutes,
  verifyIntervalSeconds,
  maxVerifyChecks,
  provisioningPollSeconds,
  maxProvisioningChecks,
  ...decisionGuardrails
} = guardrails;

/** The runbook's state machine. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const report = taskStep(scope, 'Report', {
    lambdaFunction: fn['report-throttling'],
    payload: TaskInput.fromObject({ executionId: JsonPath.executionId, state: JsonPath.objectAt('$') }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  const escalate = endWithReport(scope, fn, id, report);

  const gather = taskStep(scope, 'Gather concurrency evidence', {
    lambdaFunction: fn['gather-concurrency-evidence'],
    payload: TaskInput.fromObject({
      executionInput: JsonPath.objectAt('$'),
      lookbackMinutes,
      baselineMinutes,
    }),
    resultPath: '$.evidence',
    onFailure: escalate,
  });
  const decide = taskStep(scope, 'Decide the fix', {
    lambdaFunction: fn['decide-throttling-fix'],
    payload: TaskInput.fromObject({
      evidence: JsonPath.objectAt('$.evidence'),
      guardrails: decisionGuardrails,
    }),
    resultPath: '$.decision',
    onFailure: escalate,
  });
  const changePayload = TaskInput.fromObject({
    executionId: JsonPath.executionId,
    runbook: id,
    change: JsonPath.objectAt('$.decision.change'),
  });
  // Puts back exactly what the change replaced, then hands over to a human.
  const revert = taskStep(scope, 'Put the previous configuration back', {
    lambdaFunction: fn['revert-concurrency-change'],
    payload: changePayload,
    resultPath: '$.reverted',
    onFailure: escalate,
  }).next(escalate);
  // A failed apply may have taken effect (its answer lost, its Lambda cut off after the call):
  // the previous configuration goes back (a no-op when nothing changed) before a human takes over.
  const apply = taskStep(scope, 'Apply the change', {
    lambdaFunction: fn['apply-concurrency-change'],
    payload: changePayload,
    resultPath: '$.applied',
    onFailure: revert,
  });

  // Verification: throttles must stay at or below the threshold for a whole window after the change.
  const letWork = new Wait(scope, 'Let the change work', {
    time: WaitTime.duration(Duration.seconds(verifyIntervalSeconds)),
  });
  const verification = (name: string, since: string) =>
    new Pass(scope, name, {
      parameters: { checks: 0, 'since.$': since },
      resultPath: '$.verification',
    }).next(letWork);
  const verify = taskStep(scope, 'Verify throttles stopped', {
    lambdaFunction: fn['verify-throttles'],
    payload: TaskInput.fromObject({
      functionName: JsonPath.stringAt('$.decision.verifyFunction'),
      since: JsonPath.stringAt('$.verification.since'),
      previousChecks: JsonPath.numberAt('$.verification.checks'),
      maxChecks: maxVerifyChecks,
      windowMinutes: decisionGuardrails.verifyWindowMinutes,
      recoveredThrottles: decisionGuardrails.recoveredThrottles,
    }),
    resultPath: '$.verification',
    onFailure: revert,
  });
  letWork
    .next(verify)
    .next(
      new Choice(scope, 'Throttles stopped?')
        .when(Condition.booleanEquals('$.verification.recovered', true), report)
        .when(Condition.booleanEquals('$.verification.exhausted', true), revert)
        .otherwise(letWork),
    );

  // Provisioned concurrency helps only once allocated: wait for READY (FAILED: put it back).
  const letProvision = new Wait(scope, 'Let Lambda provision', {
    time: WaitTime.duration(Duration.seconds(provisioningPollSeconds)),
  });
  const startProvisioningChecks = new Pass(scope, 'Start provisioning checks', {
    result: { value: { checks: 0 } },
    resultPath: '$.provisioning',
  }).next(letProvision);
  const checkProvisioning = taskStep(scope, 'Check provisioned concurrency', {
    lambdaFunction: fn['check-provisioned-concurrency'],
    payload: TaskInput.fromObject({
      functionName: JsonPath.stringAt('$.decision.change.functionName'),
      qualifier: JsonPath.stringAt('$.decision.change.qualifier'),
      checks: JsonPath.numberAt('$.provisioning.checks'),
    }),
    resultPath: '$.provisioning',
    onFailure: revert,
  });
  letProvision
    .next(checkProvisioning)
    .next(
      new Choice(scope, 'Provisioned?')
        .when(
          Condition.booleanEquals('$.provisioning.ready', true),
          verification('Verify from when it was ready', '$.provisioning.checkedAt'),
        )
        .when(Condition.booleanEquals('$.provisioning.failed', true), revert)
        .when(Condition.numberGreaterThanEquals('$.provisioning.checks', maxProvisioningChecks), revert)
        .otherwise(letProvision),
    );
  apply.next(
    new Choice(scope, 'Provisioned concurrency?')
      .when(
        Condition.stringEquals('$.decision.change.kind', 'provisioned-concurrency'),
        startProvisioningChecks,
      )
      .otherwise(verification('Verify from when it was applied', '$.applied.appliedAt')),
  );

  const approval = new ApprovalStep(scope, 'Ask for approval', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.decision.approval',
    gateName: 'Approval required?',
    summaryPath: '$.decision.summary',
    evidencePath: '$.evidence',
    tiers: lambdaThrottling.approverTiers,
    onDeclined: escalate,
  });
  approval.next(apply);

  return gather
    .next(decide)
    .next(
      new Choice(scope, 'What does the decision say?')
        .when(Condition.stringEquals('$.decision.action', 'change'), approval)
        .when(Condition.stringEquals('$.decision.action', 'escalate'), escalate)
        .otherwise(report),
    );
}
