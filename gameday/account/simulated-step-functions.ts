import {
  type DescribeExecutionCommandInput,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  type SendTaskFailureCommandInput,
  type SendTaskSuccessCommandInput,
  type StartExecutionCommandInput,
  StateMachineDoesNotExist,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { AccountIdentity } from './account-identity.js';
import type { EventBus } from './event-bus.js';
import { ExecutionHistories } from './execution-history.js';
import type { VirtualClock } from './virtual-clock.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An execution as the simulated account records it. */
export interface SimulatedExecution {
  readonly executionArn: string;
  readonly stateMachine: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
}

/** What a callback task was sent: SendTaskSuccess's output or SendTaskFailure's error. */
export type TaskAnswer =
  | { readonly kind: 'success'; readonly output: string }
  | { readonly kind: 'failure'; readonly error: string; readonly cause: string };

type TaskState =
  | { readonly kind: 'open'; readonly answer: (answer: TaskAnswer) => void }
  | { readonly kind: 'closed' | 'timed-out' };

/**
 * Step Functions as the dispatcher sees it: StartExecution with AWS's name rules. A name is unique
 * per state machine; repeating it while the execution is open with identical input returns the same
 * execution, otherwise ExecutionAlreadyExists
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 * Started executions queue up for the game-day runner, which runs their definitions locally and
 * reports how they ended; the end is announced on EventBridge like Step Functions does.
 */
export class SimulatedStepFunctions {
  private readonly machines = new Set<string>();
  private readonly executions = new Map<string, SimulatedExecution>();
  private readonly tasks = new Map<string, TaskState>();
  readonly pending: SimulatedExecution[] = [];
  /** Each execution's history: the service records start and end, the engine running it the states. */
  readonly history: ExecutionHistories;

  constructor(
    private readonly identity: AccountIdentity,
    private readonly clock: VirtualClock,
    private readonly bus: EventBus,
  ) {
    this.history = new ExecutionHistories(clock);
  }

  /** The definition each state machine runs, once known (the simulated platform renders it). */
  private readonly definitions = new Map<string, string>();

  /** Records the ASL a state machine runs. */
  setDefinition(stateMachineArn: string, definition: string): void {
    this.definitions.set(stateMachineArn, definition);
  }

  /**
   * The state machine an execution ran, with its definition as it ran
   * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeStateMachineForExecution.html).
   */
  describeStateMachineForExecution(input: { executionArn?: string }) {
    const { stateMachineArn = '' } = this.describeExecution({ executionArn: input.executionArn ?? '' });
    const definition = this.definitions.get(stateMachineArn);
    if (definition === undefined)
      throw new Error(`the simulated account has no definition of ${stateMachineArn}`);
    return {
      stateMachineArn,
      name: stateMachineArn.split(':').pop() ?? '',
      definition,
      updateDate: new Date(0),
    };
  }

  createStateMachine(name: string): string {
    const arn = `arn:aws:states:${this.identity.region}:${this.identity.accountId}:stateMachine:${name}`;
    this.machines.add(arn);
    return arn;
  }

  startExecution(input: StartExecutionCommandInput): { executionArn: string; startDate: Date } {
    const machine = input.stateMachineArn ?? '';
    if (!this.machines.has(machine))
      throw new StateMachineDoesNotExist({
        message: `State Machine Does Not Exist: '${machine}'`,
        $metadata: {},
      });
    // Execution input is at most 256 KiB of UTF-8
    // (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html#service-limits-task-executions).
    const inputBytes = Buffer.byteLength(input.input ?? '{}', 'utf8');
    if (inputBytes > 262_144)
      throw new InvalidExecutionInput({
        message: `The input size ${inputBytes} bytes exceeds the maximum of 262144 bytes`,
        $metadata: {},
      });
    const name = input.name ?? `auto-${this.executions.size + 1}`;
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new InvalidName({ message: `Invalid Name: '${name}'`, $metadata: {} });
    const key = `${machine}|${name}`;
    const existing = this.executions.get(key);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === (input.input ?? '{}')) {
        return { executionArn: existing.executionArn, startDate: existing.startDate };
      }
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${existing.executionArn}'`,
        $metadata: {},
      });
    }
    const execution: SimulatedExecution = {
      executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachine: machine,
      name,
      input: input.input ?? '{}',
      startDate: this.clock.now(),
      status: 'RUNNING',
    };
    this.executions.set(key, execution);
    this.history.add(execution.executionArn, {
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: execution.input },
    });
    this.pending.push(execution);
    return { executionArn: execution.executionArn, startDate: execution.startDate };
  }

  describeExecution(input: DescribeExecutionCommandInput): Omit<DescribeExecutionCommandOutput, '$metadata'> {
    const execution = [...this.executions.values()].find((e) => e.executionArn === input.executionArn);
    if (!execution) {
      throw new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${input.executionArn}'`,
        $metadata: {},
      });
    }
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachine,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      input: execution.input,
      ...(execution.stopDate ? { stopDate: execution.stopDate } : {}),
      ...(execution.output === undefined ? {} : { output: execution.output }),
    };
  }

  /**
   * A callback (`waitForTaskToken`) task waiting for its token: resolves with what SendTaskSuccess
   * or SendTaskFailure sends, or `undefined` once `timedOut` settles first, after which the token
   * answers TaskTimedOut as in AWS
   * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html).
   */
  awaitTask(taskToken: string, timedOut: Promise<void>): Promise<TaskAnswer | undefined> {
    return new Promise((resolve) => {
      this.tasks.set(taskToken, {
        kind: 'open',
        answer: (answer) => {
          this.tasks.set(taskToken, { kind: 'closed' });
          resolve(answer);
        },
      });
      void timedOut.then(() => {
        if (this.tasks.get(taskToken)?.kind !== 'open') return;
        this.tasks.set(taskToken, { kind: 'timed-out' });
        resolve(undefined);
      });
    });
  }

  /**
   * The state machine whose execution a task token belongs to. Tokens of local executions are
   * `<execution name>/...`; the name is unique per state machine, and runbooks' names carry their
   * runbook, so the first execution of that name is the one.
   */
  stateMachineOfTaskToken(token: string): string | undefined {
    const name = token.split('/')[0];
    return [...this.executions.values()].find((e) => e.name === name)?.stateMachine;
  }

  sendTaskSuccess(input: SendTaskSuccessCommandInput): Record<string, never> {
    try {
      JSON.parse(input.output ?? '');
    } catch {
      throw new InvalidOutput({ message: 'Invalid Output: not JSON', $metadata: {} });
    }
    this.openTask(input.taskToken).answer({ kind: 'success', output: input.output ?? '{}' });
    return {};
  }

  sendTaskFailure(input: SendTaskFailureCommandInput): Record<string, never> {
    this.openTask(input.taskToken).answer({
      kind: 'failure',
      error: input.error ?? '',
      cause: input.cause ?? '',
    });
    return {};
  }

  private openTask(taskToken: string | undefined): Extract<TaskState, { kind: 'open' }> {
    const task = taskToken === undefined ? undefined : this.tasks.get(taskToken);
    if (!task) throw new InvalidToken({ message: 'Invalid Token', $metadata: {} });
    if (task.kind === 'timed-out') throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    if (task.kind === 'closed') throw new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} });
    return task as Extract<TaskState, { kind: 'open' }>;
  }

  /** Records how an execution ended and emits "Step Functions Execution Status Change". */
  finish(execution: SimulatedExecution, status: Exclude<ExecutionStatus, 'RUNNING'>, output?: unknown): void {
    execution.status = status;
    execution.stopDate = this.clock.now();
    if (output !== undefined) execution.output = JSON.stringify(output);
    this.history.add(
      execution.executionArn,
      status === 'SUCCEEDED'
        ? { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: execution.output ?? '{}' } }
        : {
            type:
              status === 'FAILED'
                ? 'ExecutionFailed'
                : status === 'TIMED_OUT'
                  ? 'ExecutionTimedOut'
                  : 'ExecutionAborted',
          },
    );
    this.bus.put({
      version: '0',
      id: `${execution.name}-${status}`,
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.identity.accountId,
      time: this.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: this.identity.region,
      resources: [execution.executionArn],
      detail: {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachine,
        name: execution.name,
        status,
        startDate: execution.startDate.getTime(),
        stopDate: this.clock.now().getTime(),
        input: execution.input,
      },
    });
  }

  /** Every execution started so far. */
  all(): SimulatedExecution[] {
    return [...this.executions.values()];
  }

  listStateMachines() {
    return {
      stateMachines: [...this.machines].map((arn) => ({
        stateMachineArn: arn,
        name: arn.split(':').pop() ?? '',
        type: 'STANDARD' as const,
        creationDate: new Date(0),
      })),
    };
  }

  /** A state machine's executions, newest first, as ListExecutions returns them. */
  listExecutions(input: { stateMachineArn?: string }) {
    return {
      executions: this.all()
        .filter((e) => e.stateMachine === input.stateMachineArn)
        .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachine,
          name: e.name,
          status: e.status,
          startDate: e.startDate,
          ...(e.stopDate ? { stopDate: e.stopDate } : {}),
        })),
    };
  }
}
