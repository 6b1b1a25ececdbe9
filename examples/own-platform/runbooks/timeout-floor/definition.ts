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
import { ApprovalStep, endWithReport, type RunbookFunctions, taskStep } from 'lambda-runbooks';
import { timeoutFloor, type StepNames } from './runbook.js';

const { id, guardrails } = timeoutFloor;

/** gather → decide → approval → act → verify → report; a failed check puts the previous value back. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const report = new Pass(scope, 'Report', {
    parameters: { runbook: id, 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
  });
  const escalate = endWithReport(scope, fn, id, report);
  const checking = (name: string, resultPath: string) =>
    taskStep(scope, name, {
      lambdaFunction: fn['timeout-floor-check'],
      payload: TaskInput.fromObject({
        executionInput: JsonPath.objectAt('$$.Execution.Input'),
        minimum: guardrails.minimumTimeoutSeconds,
        approval: guardrails.approval,
      }),
      resultPath,
      onFailure: escalate,
    });
  const setting = (name: string, from: string, to: string, resultPath: string) =>
    taskStep(scope, name, {
      lambdaFunction: fn['timeout-floor-apply'],
      payload: TaskInput.fromObject({
        executionId: JsonPath.executionId,
        runbook: id,
        name: JsonPath.stringAt('$.decision.name'),
        from: JsonPath.numberAt(from),
        to: JsonPath.numberAt(to),
      }),
      resultPath,
      onFailure: escalate,
    });
  const restore = setting('Put the previous value back', '$.decision.minimum', '$.decision.value', '$.restored').next(
    escalate,
  );
  const apply = setting('Apply', '$.decision.value', '$.decision.minimum', '$.applied');
  apply
    .next(new Wait(scope, 'Let it take effect', { time: WaitTime.duration(Duration.seconds(guardrails.verifyAfterSeconds)) }))
    .next(checking('Verify', '$.verification'))
    .next(
      new Choice(scope, 'Fixed?')
        .when(Condition.stringEquals('$.verification.action', 'none'), report)
        .otherwise(restore),
    );
  const approval = new ApprovalStep(scope, 'Approve', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.decision.approval',
    summaryPath: '$.decision.summary',
    evidencePath: '$.decision',
    tiers: timeoutFloor.approverTiers,
    onDeclined: escalate,
  });
  approval.next(apply);
  return checking('Gather and decide', '$.decision').next(
    new Choice(scope, 'Anything to change?').when(Condition.stringEquals('$.decision.action', 'change'), approval).otherwise(report),
  );
}
