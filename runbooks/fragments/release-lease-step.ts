import { JsonPath, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { RunbookFunctions } from '../runbook.js';
import { taskStep } from './task-step.js';

/**
 * Every runbook's last state: releases the target lease the dispatcher took for this execution
 * (and starts the cool-down). Its result is discarded, so the runbook's output stays its report.
 */
export function releaseLeaseStep(scope: Construct, functions: RunbookFunctions): LambdaInvoke {
  return taskStep(scope, 'Release target', {
    lambdaFunction: functions['release-lease'],
    payload: TaskInput.fromObject({
      executionName: JsonPath.stringAt('$$.Execution.Name'),
      executionInput: JsonPath.objectAt('$$.Execution.Input'),
    }),
    resultPath: JsonPath.DISCARD,
  });
}
