import { JsonPath, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { retryTransient } from '../retry-policy.js';
import type { RunbookFunctions } from '../runbook.js';

/**
 * Every runbook's last state: releases the target lease the dispatcher took for this execution
 * (and starts the cool-down). Its result is discarded, so the runbook's output stays its report.
 */
export function releaseLeaseStep(scope: Construct, functions: RunbookFunctions): LambdaInvoke {
  return retryTransient(
    new LambdaInvoke(scope, 'Release target', {
      lambdaFunction: functions['release-lease'],
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        executionName: JsonPath.stringAt('$$.Execution.Name'),
        executionInput: JsonPath.objectAt('$$.Execution.Input'),
      }),
      resultPath: JsonPath.DISCARD,
    }),
  );
}
