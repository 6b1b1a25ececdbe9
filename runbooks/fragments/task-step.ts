import { Duration } from 'aws-cdk-lib';
import { type IChainable, JitterType, JsonPath, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, type LambdaInvokeProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ErrorNames, retryableAwsErrors } from '../../handlers/lib/errors.js';
import type { RunbookFunctions } from '../runbook.js';

export interface TaskStepProps extends Omit<LambdaInvokeProps, 'payloadResponseOnly'> {
  /**
   * Where any error the retries do not cure goes, with the error in `$.failure`.
   * Default: none, the execution fails.
   */
  readonly onFailure?: IChainable;
}

/**
 * A step handler as a Task: its result only (no Lambda envelope), retried on throttling and
 * transient AWS errors with exponential backoff and full jitter (LambdaInvoke already retries
 * Lambda service exceptions on its own), and its failure route.
 */
export function taskStep(scope: Construct, name: string, props: TaskStepProps): LambdaInvoke {
  const { onFailure, ...invoke } = props;
  const task = new LambdaInvoke(scope, name, { payloadResponseOnly: true, ...invoke });
  task.addRetry({
    errors: [...retryableAwsErrors],
    interval: Duration.seconds(2),
    maxAttempts: 4,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
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
