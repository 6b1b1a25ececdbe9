import { Duration } from 'aws-cdk-lib';
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
import type { ApproverTier } from '../runbook.js';
import { taskStep, transientRetries } from './task-step.js';

export interface ApprovalStepProps {
  readonly runbook: string;
  /** The `request-approval` handler. */
  readonly approvalFunction: IFunction;
  /**
   * The `change-gate` handler: where policy says `auto`, the change is taken from the
   * environment's budget of automated change; when it is spent, automatic remediation is paused,
   * or the gate fails, a human is asked instead.
   */
  readonly changeGateFunction: IFunction;
  /** JSONPath of the approval mode (`auto` or `human`) the decision step chose for this environment. */
  readonly modePath: string;
  /** JSONPath of the one-line proposal shown to approvers. */
  readonly summaryPath: string;
  /** JSONPath of the evidence shown to approvers. */
  readonly evidencePath: string;
  /** Who is asked, in order: when a group does not answer in time, the next one is asked. */
  readonly tiers: readonly [ApproverTier, ...ApproverTier[]];
  /** Where a rejection, or the last group's timeout, goes, with the reason in `$.failure`. */
  readonly onDeclined: IChainable;
  /** Name of the Choice state that skips the approval in `auto` mode. Default: `<id>: approval required?`. */
  readonly gateName?: string;
  /** Where the approver's answer is stored. Default: `$.approval`. */
  readonly resultPath?: string;
}

/**
 * Asks humans where policy says so and waits for the answer (`waitForTaskToken`), one approver
 * group after another: a group's timeout asks the next group. Starts with a Choice on the approval
 * mode: `auto` goes on once the change gate grants it a change of the budget of automated change
 * (refused, a human is asked); continues on approval; a rejection (`ApprovalRejectedError`) or
 * the last group's timeout goes to `onDeclined`, so nothing after the approval runs. Every state
 * name derives from the fragment's id, so a runbook can ask for approval twice.
 */
export class ApprovalStep extends StateMachineFragment {
  readonly startState: State;
  readonly endStates: INextable[];

  constructor(scope: Construct, id: string, props: ApprovalStepProps) {
    super(scope, id);
    const tasks = props.tiers.map(
      (tier, index) =>
        new LambdaInvoke(this, index === 0 ? id : `${id} (${tier.group})`, {
          lambdaFunction: props.approvalFunction,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          taskTimeout: Timeout.duration(Duration.seconds(tier.timeoutSeconds)),
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
            timeoutSeconds: tier.timeoutSeconds,
            evidence: JsonPath.objectAt(props.evidencePath),
            account: JsonPath.stringAt('$$.Execution.Input.dispatch.account'),
            region: JsonPath.stringAt('$$.Execution.Input.dispatch.region'),
            environment: JsonPath.stringAt('$$.Execution.Input.dispatch.environment'),
          }),
          resultPath: props.resultPath ?? '$.approval',
        }),
    );
    tasks.forEach((task, index) => {
      const next = tasks[index + 1];
      // Asking is idempotent (one record and one message per execution, token and group): an
      // ask that failed on AWS, or whose Lambda was cut off, asks again.
      for (const retry of transientRetries) task.addRetry(retry);
      if (next) task.addCatch(next, { errors: [ErrorNames.timeout], resultPath: JsonPath.DISCARD });
      task.addCatch(props.onDeclined, {
        errors: next ? [ErrorNames.approvalRejected] : [ErrorNames.approvalRejected, ErrorNames.timeout],
        resultPath: '$.failure',
      });
      // An ask that cannot be made is no approval: the change is not made.
      task.addCatch(props.onDeclined, { errors: [ErrorNames.all], resultPath: '$.failure' });
    });
    const [first] = tasks as [LambdaInvoke, ...LambdaInvoke[]];
    const withinBudget = taskStep(this, `${id}: within the change budget?`, {
      lambdaFunction: props.changeGateFunction,
      payload: TaskInput.fromObject({
        executionId: JsonPath.executionId,
        runbook: props.runbook,
        budget: JsonPath.objectAt('$.dispatch.changeBudget'),
      }),
      resultPath: '$.changeGate',
    });
    // A gate that cannot answer asks a human: automation is never granted by default.
    withinBudget.addCatch(first, { errors: [ErrorNames.all], resultPath: '$.changeGate' });
    const granted = new Choice(this, `${id}: change granted?`).when(
      Condition.booleanEquals('$.changeGate.granted', false),
      first,
    );
    withinBudget.next(granted);
    const gate = new Choice(this, props.gateName ?? `${id}: approval required?`)
      .when(Condition.stringEquals(props.modePath, 'human'), first)
      .otherwise(withinBudget);
    this.startState = gate;
    // Whatever follows comes after every tier and after a granted automatic change.
    const reachable = granted.afterwards({ includeOtherwise: true }).endStates;
    this.endStates = [...reachable, ...tasks.filter((task) => !reachable.includes(task))];
  }
}
