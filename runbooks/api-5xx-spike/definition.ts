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
import { api5xxSpike, type StepNames } from './runbook.js';

const { id, guardrails } = api5xxSpike;

/** The runbook's state machine. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const { lookbackMinutes, settleSeconds, ...decisionGuardrails } = guardrails;
  const report = taskStep(scope, 'Report', {
    lambdaFunction: fn['build-report'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook: id,
      // Measured from the alarm, which is what on-call cares about (and the local engine stamps
      // $$.Execution.StartTime with wall-clock time, not the simulation's).
      alarmAt: JsonPath.stringAt('$.detail.state.timestamp'),
      state: JsonPath.objectAt('$'),
    }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  const escalate = endWithReport(scope, fn, id, report);

  const gather = taskStep(scope, 'Gather evidence', {
    lambdaFunction: fn['gather-evidence'],
    payload: TaskInput.fromObject({
      alarmEvent: JsonPath.objectAt('$'),
      executionId: JsonPath.executionId,
      lookbackMinutes,
    }),
    resultPath: '$.evidence',
    onFailure: escalate,
  });

  const decide = taskStep(scope, 'Decide', {
    lambdaFunction: fn['decide-remediation'],
    payload: TaskInput.fromObject({
      evidence: JsonPath.objectAt('$.evidence'),
      guardrails: decisionGuardrails,
    }),
    resultPath: '$.decision',
    onFailure: escalate,
  });

  const rollback = taskStep(scope, 'Roll back alias', {
    lambdaFunction: fn['rollback-alias'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook: id,
      target: JsonPath.objectAt('$.evidence.target'),
      expected: JsonPath.objectAt('$.evidence.alias'),
      rollbackTo: JsonPath.stringAt('$.decision.rollbackTo'),
    }),
    resultPath: '$.rollback',
    onFailure: escalate,
  });

  const approval = new ApprovalStep(scope, 'Ask for approval', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.decision.approval',
    gateName: 'Approval required?',
    summaryPath: '$.decision.summary',
    evidencePath: '$.evidence',
    tiers: api5xxSpike.approverTiers,
    onDeclined: escalate,
  });

  const startChecks = new Pass(scope, 'Start verification', {
    result: { value: { checks: 0, recovered: false, exhausted: false } },
    resultPath: '$.verification',
  });
  const settle = new Wait(scope, 'Let the alias settle', {
    time: WaitTime.duration(Duration.seconds(settleSeconds)),
  });
  const verify = taskStep(scope, 'Verify recovery', {
    lambdaFunction: fn['verify-recovery'],
    payload: TaskInput.fromObject({
      alarmName: JsonPath.stringAt('$.evidence.alarm.name'),
      target: JsonPath.objectAt('$.evidence.target'),
      since: JsonPath.stringAt('$.rollback.rolledBackAt'),
      recoveredErrorRate: JsonPath.numberAt('$.decision.recoveredErrorRate'),
      previousChecks: JsonPath.numberAt('$.verification.checks'),
      maxChecks: JsonPath.numberAt('$.decision.maxVerifyChecks'),
    }),
    resultPath: '$.verification',
    onFailure: escalate,
  });

  const recovered = new Choice(scope, 'Recovered?')
    .when(Condition.booleanEquals('$.verification.recovered', true), report)
    .when(Condition.booleanEquals('$.verification.exhausted', true), escalate)
    .otherwise(settle);

  rollback.next(startChecks).next(settle).next(verify).next(recovered);
  approval.next(rollback);

  return gather
    .next(decide)
    .next(
      new Choice(scope, 'Recent deploy to blame?')
        .when(Condition.stringEquals('$.decision.action', 'rollback'), approval)
        .otherwise(escalate),
    );
}
