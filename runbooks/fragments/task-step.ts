import { JsonPath, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, type LambdaInvokeProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { retryTransient } from '../retry-policy.js';
import type { RunbookFunctions } from '../runbook.js';

/** A step handler as a Task: its result only (no Lambda envelope), retried on transient AWS errors. */
export function taskStep(
  scope: Construct,
  name: string,
  props: Omit<LambdaInvokeProps, 'payloadResponseOnly'>,
): LambdaInvoke {
  return retryTransient(new LambdaInvoke(scope, name, { payloadResponseOnly: true, ...props }));
}

/** Hands the incident to on-call with everything the execution knows; the result goes to `$.escalation`. */
export function escalateStep(scope: Construct, functions: RunbookFunctions, runbook: string): LambdaInvoke {
  return taskStep(scope, 'Escalate to on-call', {
    lambdaFunction: functions.escalate,
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook,
      state: JsonPath.objectAt('$'),
    }),
    resultPath: '$.escalation',
  });
}
