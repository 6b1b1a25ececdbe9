import type { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  type IChainable,
  type INextable,
  IntegrationPattern,
  JsonPath,
  type State,
  StateMachineFragment,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ErrorNames } from '../../handlers/lib/errors.js';

/** One approver group in a runbook's escalation order, and how long it has to answer. */
export interface ApproverTier {
  readonly group: string;
  /**
   * Static on purpose: AWS reads `TimeoutSecondsPath` from the state input, the local engine from
   * the effective parameters, so a path would diverge.
   */
  readonly timeout: Duration;
}

export interface ApprovalStepProps {
  readonly runbook: string;
  /** The `request-approval` handler. */
  readonly approvalFunction: IFunction;
  /** JSONPath of the one-line proposal shown to approvers. */
  readonly summaryPath: string;
  /** JSONPath of the evidence shown to approvers. */
  readonly evidencePath: string;
  /** Who is asked, in order: when a group does not answer in time, the next one is asked. */
  readonly tiers: readonly [ApproverTier, ...ApproverTier[]];
  /** Where the approver's answer is stored. Default: `$.approval`. */
  readonly resultPath?: string;
}

/**
 * Asks humans and waits for the answer (`waitForTaskToken`), one approver group after another:
 * a group's timeout asks the next group. Continues on approval; a rejection
 * (`ApprovalRejectedError`) or the last group's timeout goes to the handler given to `onDeclined`,
 * with the reason in `$.failure`, so nothing after the approval runs.
 */
export class ApprovalStep extends StateMachineFragment {
  readonly startState: State;
  readonly endStates: INextable[];
  private readonly tasks: LambdaInvoke[];

  constructor(scope: Construct, id: string, props: ApprovalStepProps) {
    super(scope, id);
    this.tasks = props.tiers.map(
      (tier, index) =>
        new LambdaInvoke(this, index === 0 ? id : `${id} (${tier.group})`, {
          lambdaFunction: props.approvalFunction,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          taskTimeout: Timeout.duration(tier.timeout),
          payload: TaskInput.fromObject({
            taskToken: JsonPath.taskToken,
            executionId: JsonPath.executionId,
            runbook: props.runbook,
            summary: JsonPath.stringAt(props.summaryPath),
            group: tier.group,
            ...(index > 0 ? { previousGroup: props.tiers[index - 1]?.group } : {}),
            tier: index,
            tiers: props.tiers.length,
            requestedBy: JsonPath.stringAt('$.dispatch.requestedBy'),
            timeoutSeconds: tier.timeout.toSeconds(),
            evidence: JsonPath.objectAt(props.evidencePath),
          }),
          resultPath: props.resultPath ?? '$.approval',
        }),
    );
    const [first] = this.tasks as [LambdaInvoke, ...LambdaInvoke[]];
    this.tasks.forEach((task, index) => {
      const next = this.tasks[index + 1];
      if (next) task.addCatch(next, { errors: [ErrorNames.timeout], resultPath: JsonPath.DISCARD });
    });
    this.startState = first;
    this.endStates = this.tasks;
  }

  /** Routes rejections and the last timeout to `handler`. */
  onDeclined(handler: IChainable): this {
    this.tasks.forEach((task, index) => {
      const errors: string[] =
        index === this.tasks.length - 1
          ? [ErrorNames.approvalRejected, ErrorNames.timeout]
          : [ErrorNames.approvalRejected];
      task.addCatch(handler, { errors, resultPath: '$.failure' });
    });
    return this;
  }
}

/** Goes through `approval` when the approval mode at `modePath` is `human`, else straight to `next`. */
export function approvalGate(
  scope: Construct,
  modePath: string,
  approval: IChainable,
  next: IChainable,
): Choice {
  return new Choice(scope, 'Approval required?')
    .when(Condition.stringEquals(modePath, 'human'), approval)
    .otherwise(next);
}
