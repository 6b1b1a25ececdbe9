import type { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
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

export interface ApprovalStepProps {
  readonly runbook: string;
  /** The `request-approval` handler. */
  readonly approvalFunction: IFunction;
  /** JSONPath of the one-line proposal shown to approvers. */
  readonly summaryPath: string;
  /** JSONPath of the evidence shown to approvers. */
  readonly evidencePath: string;
  /**
   * How long approvers have to answer. Static on purpose: AWS reads `TimeoutSecondsPath` from the
   * state input, the local engine from the effective parameters, so a path would diverge.
   */
  readonly timeout: Duration;
  /** Where the approver's answer is stored. Default: `$.approval`. */
  readonly resultPath?: string;
}

/**
 * Asks a human and waits for the answer (`waitForTaskToken`). Continues on approval; a rejection
 * (`ApprovalRejectedError`) or a timeout goes to the handler given to `onDeclined`, with the reason
 * in `$.failure`.
 */
export class ApprovalStep extends StateMachineFragment {
  readonly startState: State;
  readonly endStates: INextable[];
  private readonly task: LambdaInvoke;

  constructor(scope: Construct, id: string, props: ApprovalStepProps) {
    super(scope, id);
    this.task = new LambdaInvoke(this, id, {
      lambdaFunction: props.approvalFunction,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      taskTimeout: Timeout.duration(props.timeout),
      payload: TaskInput.fromObject({
        taskToken: JsonPath.taskToken,
        executionId: JsonPath.executionId,
        runbook: props.runbook,
        summary: JsonPath.stringAt(props.summaryPath),
        timeoutSeconds: props.timeout.toSeconds(),
        evidence: JsonPath.objectAt(props.evidencePath),
      }),
      resultPath: props.resultPath ?? '$.approval',
    });
    this.startState = this.task;
    this.endStates = [this.task];
  }

  /** Routes rejections and timeouts to `handler`; nothing after the approval runs then. */
  onDeclined(handler: IChainable): this {
    this.task.addCatch(handler, {
      errors: [ErrorNames.approvalRejected, ErrorNames.timeout],
      resultPath: '$.failure',
    });
    return this;
  }
}
