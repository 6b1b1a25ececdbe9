import { Duration } from 'aws-cdk-lib';
import { JitterType, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { retryableAwsErrors } from '../handlers/lib/errors.js';

/**
 * Retries a step on throttling and transient AWS errors with exponential backoff and full jitter.
 * (LambdaInvoke already retries Lambda service exceptions on its own.)
 */
export function retryTransient<T extends TaskStateBase>(task: T): T {
  task.addRetry({
    errors: [...retryableAwsErrors],
    interval: Duration.seconds(2),
    maxAttempts: 4,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  return task;
}
