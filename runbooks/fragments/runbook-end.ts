import { type Chain, JsonPath, type Pass, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { RunbookFunctions } from '../runbook.js';
import { escalateStep, taskStep } from './task-step.js';

/**
 * Every runbook's ending: its report, then the lease release. Returns the escalation to on-call,
 * which reports too, for the failure routes.
 */
export function endWithReport(
  scope: Construct,
  functions: RunbookFunctions<'escalate' | 'release-lease'>,
  runbook: string,
  /** Its report: a step that writes it, or a Pass state that shapes it from the state. */
  report: LambdaInvoke | Pass,
): Chain {
  report.next(releaseLeaseStep(scope, functions));
  return escalateStep(scope, functions, runbook).next(report);
}

/**
 * Every runbook's last state: releases the target lease the dispatcher took for this execution
 * (and starts the cool-down). Its result is discarded, so the runbook's output stays its report.
 */
function releaseLeaseStep(scope: Construct, functions: RunbookFunctions<'release-lease'>): LambdaInvoke {
  return taskStep(scope, 'Release target', {
    lambdaFunction: functions['release-lease'],
    payload: TaskInput.fromObject({
      executionName: JsonPath.stringAt('$$.Execution.Name'),
      executionInput: JsonPath.objectAt('$$.Execution.Input'),
    }),
    resultPath: JsonPath.DISCARD,
  });
}
