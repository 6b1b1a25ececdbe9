import { Duration } from 'aws-cdk-lib';
import {
  type IChainable,
  InputType,
  JitterType,
  JsonPath,
  type RetryProps,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, type LambdaInvokeProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { actingInField } from '../../handlers/lib/acting-in.js';
import {
  ErrorNames,
  inProgressError,
  interruptedInvocationErrors,
  retryableAwsErrors,
} from '../../handlers/lib/errors.js';
import type { RunbookFunctions } from '../runbook.js';

export interface TaskStepProps extends Omit<LambdaInvokeProps, 'payloadResponseOnly'> {
  /**
   * Where any error the retries do not cure goes, with the error in `$.failure`.
   * Default: none, the execution fails.
   */
  readonly onFailure?: IChainable;
}

/**
 * Every Task's retries: an earlier attempt still in progress, waited out past a step's 30-second
 * timeout (10 s, 1.5×, four times: 81 s in all; no jitter, so the wait is sure), then throttling,
 * transient AWS errors and a cut-off invocation, 2 s doubling, four times, full jitter (steps are
 * idempotent). Step Functions uses the first retrier that names the error.
 */
export const transientRetries: readonly RetryProps[] = [
  { errors: [inProgressError], interval: Duration.seconds(10), maxAttempts: 4, backoffRate: 1.5 },
  {
    errors: [...retryableAwsErrors, ...interruptedInvocationErrors],
    interval: Duration.seconds(2),
    maxAttempts: 4,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  },
];

/** Where the run acts and for whom, from the execution's input (the dispatcher's context). */
const actingIn = {
  account: JsonPath.stringAt('$$.Execution.Input.dispatch.account'),
  region: JsonPath.stringAt('$$.Execution.Input.dispatch.region'),
  environment: JsonPath.stringAt('$$.Execution.Input.dispatch.environment'),
  execution: JsonPath.executionName,
  requestedBy: JsonPath.stringAt('$$.Execution.Input.dispatch.requestedBy'),
};

/**
 * A step handler as a Task: its result only (no Lambda envelope), retried on throttling,
 * transient AWS errors and a cut-off invocation with exponential backoff and full jitter (LambdaInvoke already retries
 * Lambda service exceptions on its own), and its failure route. Its payload, an object, also
 * carries where the run acts (`actingIn`), which the step's Lambda entry takes off.
 */
export function taskStep(scope: Construct, name: string, props: TaskStepProps): LambdaInvoke {
  const { onFailure, payload, ...invoke } = props;
  if (payload?.type !== InputType.OBJECT) {
    throw new Error(`${name}: a step's payload is an object (TaskInput.fromObject), to carry where it acts`);
  }
  const task = new LambdaInvoke(scope, name, {
    payloadResponseOnly: true,
    ...invoke,
    payload: TaskInput.fromObject({ ...(payload.value as object), [actingInField]: actingIn }),
  });
  for (const retry of transientRetries) task.addRetry(retry);
  if (onFailure) task.addCatch(onFailure, { errors: [ErrorNames.all], resultPath: '$.failure' });
  return task;
}

/** Hands the incident to on-call with everything the execution knows; the result goes to `$.escalation`. */
export function escalateStep(
  scope: Construct,
  functions: RunbookFunctions<'escalate'>,
  runbook: string,
): LambdaInvoke {
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
