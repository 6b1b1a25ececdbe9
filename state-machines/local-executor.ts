import './promise-with-resolvers.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { type ActingIn, splitActingIn } from '../handlers/lib/acting-in.js';
import { auditTrailIn } from '../handlers/lib/audit-trail.js';
import type { ClientName } from '../handlers/lib/aws-clients.js';
import { ErrorNames, PlatformError } from '../handlers/lib/errors.js';
import { spokeRoleUnavailable, workloadServices } from '../handlers/lib/spoke-clients.js';
import type { StepDeps } from '../handlers/lib/step-deps.js';
import type { RunbookDefinition } from '../runbooks/runbook.js';
import type { AslDefinition, AslState, AslTaskState } from './asl-types.js';
import { readPath } from './json-path.js';
import { stepOfTask } from './task-binding.js';

/** What a human answers to an approval request. */
export type ApprovalAnswer =
  | {
      readonly decision: 'approve';
      readonly by: string;
      readonly afterSeconds?: number;
      /** The task's output, as SendTaskSuccess sent it. Default: who approved and when. */
      readonly output?: unknown;
    }
  | {
      readonly decision: 'reject';
      readonly by: string;
      readonly reason: string;
      readonly afterSeconds?: number;
    }
  /** SendTaskFailure with any error: the task fails with it. */
  | {
      readonly decision: 'fail';
      readonly error: string;
      readonly cause: string;
      readonly afterSeconds?: number;
    }
  | { readonly decision: 'no-answer' };

export interface ApprovalRequest {
  readonly state: string;
  readonly taskToken: string;
  readonly payload: unknown;
  readonly timeoutSeconds: number;
}

/** Plays the human at approval steps (`waitForTaskToken` tasks). */
export type Approver = (request: ApprovalRequest) => ApprovalAnswer | Promise<ApprovalAnswer>;

/** Something that happened in a local execution, stamped with the deps' (virtual) time. */
export interface LocalExecutionEvent {
  readonly at: Date;
  readonly kind: 'entered' | 'failed' | 'retried' | 'caught' | 'waited' | 'approval';
  readonly state: string;
  readonly detail?: string;
}

export interface LocalRunOptions {
  readonly deps: StepDeps;
  /**
   * Each step's own deps, e.g. clients that act as the step function's role.
   * @default `deps` for every step
   */
  readonly depsOf?: (step: string) => StepDeps;
  /**
   * Called before each Task invokes its step, as Step Functions invokes the function with the
   * state machine's role: a thrown error fails the Task with the error's name.
   * @default nothing is checked
   */
  readonly beforeTask?: (step: string) => Promise<void>;
  /**
   * Runs each invocation of a step (injected faults cut one off).
   * @default the step runs as it is
   */
  readonly aroundTask?: <T>(step: string, invoke: () => Promise<T>) => Promise<T>;
  readonly approver: Approver;
  /** Moves virtual time forward; Wait states, retries and approval timeouts call it instead of sleeping. */
  readonly advanceTime: (seconds: number) => void | Promise<void>;
  readonly executionName: string;
  /** The execution's and its state machine's ARNs as the account reports them. Default: local ones. */
  readonly arns?: { readonly execution: string; readonly stateMachine: string };
  readonly onEvent?: (event: LocalExecutionEvent) => void;
  /** Every raw execution history event (states entered and exited with their input and output). */
  readonly onHistory?: (event: unknown) => void;
  /** Aborts the execution (as StopExecution does), e.g. when the process serving it stops. */
  readonly signal?: AbortSignal;
  /**
   * A step's deps when its run acts in another account (`actingIn`), as its Lambda entry would
   * act there through the spoke role.
   * @default its workload calls fail: there is no spoke role there
   */
  readonly actingElsewhere?: (step: string, actingIn: ActingIn) => Promise<StepDeps>;
}

export type LocalRunResult =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown }
  | { readonly status: 'FAILED'; readonly error: string; readonly cause: string };

/** An error whose `name` Step Functions' Retry and Catch match, as SendTaskFailure or a timeout produce. */
class TaskFailure extends PlatformError {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

interface Compiled {
  readonly definition: AslDefinition;
  readonly machine: StateMachine;
  readonly states: ReadonlyMap<string, AslState>;
}

const compiled = new Map<string, Compiled>();

function collectStates(definition: AslDefinition, into: Map<string, AslState>): void {
  for (const [name, state] of Object.entries(definition.States)) {
    into.set(name, state);
    if (state.Type === 'Parallel') for (const branch of state.Branches) collectStates(branch, into);
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) collectStates(processor, into);
    }
  }
}

/**
 * Renders and validates a runbook's state machine once; construction is the expensive part. The
 * renderer loads the CDK, which a process that runs no runbook need not load.
 */
/** A runbook's ASL as the local executor runs it (rendered once per process). */
export async function aslOf(runbook: RunbookDefinition): Promise<AslDefinition> {
  return (await compile(runbook)).definition;
}

async function compile(runbook: RunbookDefinition): Promise<Compiled> {
  const cached = compiled.get(runbook.id);
  if (cached) return cached;
  const { renderAsl } = await import('./render-asl.js');
  const definition = renderAsl(runbook);
  const states = new Map<string, AslState>();
  collectStates(definition, states);
  // The engine insists on ARN-shaped resources; every Task is bound to an in-process handler anyway.
  const runnable = JSON.parse(
    JSON.stringify(definition).replace(
      /\$\{(\w+)FunctionArn\}/g,
      'arn:aws:lambda:us-east-1:000000000000:function:$1',
    ),
  );
  const machine = new StateMachine(runnable, { validationOptions: { checkArn: false } });
  const result = { definition, machine, states };
  compiled.set(runbook.id, result);
  return result;
}

/** Deps whose workload clients refuse every call, as STS refuses a spoke role that is not there. */
export function withoutSpoke(deps: StepDeps, account: string, why: () => Promise<string>): StepDeps {
  // Asked at the first call, as a step assumes the spoke role only once it calls a workload service.
  const refused = {
    send: async () => {
      throw spokeRoleUnavailable(account, await why());
    },
  };
  const clients = Object.fromEntries(
    Object.entries(deps.clients).map(([name, client]) => [
      name,
      workloadServices.has(name as ClientName) ? refused : client,
    ]),
  ) as unknown as StepDeps['clients'];
  return { ...deps, clients };
}

/** Lets queued execution events reach the consumer before a handler reads the (virtual) clock. */
const drainEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs a runbook's own ASL with aws-local-stepfunctions, each Task bound in-process to the step
 * handler its definition names, on the deps given (a simulated account in game days). Wait states,
 * retry intervals and approval timeouts advance virtual time instead of sleeping.
 */
export async function runLocally(
  runbook: RunbookDefinition,
  input: unknown,
  options: LocalRunOptions,
): Promise<LocalRunResult> {
  const { machine, states } = await compile(runbook);
  const { deps } = options;
  const emit = (kind: LocalExecutionEvent['kind'], state: string, detail?: string) =>
    options.onEvent?.({ at: deps.now(), kind, state, ...(detail === undefined ? {} : { detail }) });
  const executionArn =
    options.arns?.execution ??
    `arn:aws:states:local:000000000000:execution:${runbook.id}:${options.executionName}`;
  const stateMachineArn =
    options.arns?.stateMachine ?? `arn:aws:states:local:000000000000:stateMachine:${runbook.id}`;
  const lastInput = new Map<string, unknown>();
  const taskToken = `${options.executionName}/task-token`;
  // Time the event consumer is still advancing (for a Wait or a retry) when the next task starts.
  let advancing: Promise<void> = Promise.resolve();
  const settled = async () => {
    await drainEvents();
    await advancing;
  };

  const stopped = new Promise<never>((_, reject) => {
    options.signal?.addEventListener(
      'abort',
      () => reject(new TaskFailure('States.Aborted', 'the execution was stopped')),
      { once: true },
    );
  });
  // Only a stop rejects it, and only a waiting approval listens.
  stopped.catch(() => undefined);
  const taskHandlers: Record<string, (payload: unknown) => Promise<unknown>> = {};
  const platformAccount = options.arns?.execution.split(':')[4];
  for (const [name, state] of states) {
    if (state.Type !== 'Task') continue;
    const stepName = stepOfTask(state);
    // A runbook's Tasks invoke its own steps only: the CDK app deploys no function for others.
    const step = runbook.steps.find((declared) => declared.name === stepName);
    if (!step) throw new Error(`${runbook.id}: state "${name}" invokes no step the runbook declares`);
    const stepDeps = options.depsOf?.(step.name) ?? deps;
    const run = step.core as (input: unknown, deps: StepDeps) => Promise<unknown>;
    // As the step's Lambda entry does: `actingIn` comes off the payload. A simulated platform has
    // no spoke role in other accounts: a step's first call there fails as STS would refuse it.
    const core = async (payload: unknown) => {
      await options.beforeTask?.(step.name);
      return options.aroundTask ? options.aroundTask(step.name, () => invoke(payload)) : invoke(payload);
    };
    const invoke = async (payload: unknown) => {
      const { input, actingIn } = splitActingIn(payload);
      const here = {
        ...stepDeps,
        audit: auditTrailIn(stepDeps.audit, actingIn),
        environment: actingIn?.environment ?? stepDeps.environment,
      };
      if (!actingIn || !platformAccount || actingIn.account === platformAccount) return run(input, here);
      const elsewhere =
        (await options.actingElsewhere?.(step.name, actingIn)) ??
        withoutSpoke(
          stepDeps,
          actingIn.account,
          async () => 'the simulated platform has no spoke role there',
        );
      return run(input, { ...elsewhere, audit: here.audit, environment: here.environment });
    };
    taskHandlers[name] = isCallback(state)
      ? async (parameters) => {
          await settled();
          const payload = readPath(parameters, '$.Payload');
          await core(payload);
          const timeoutSeconds = timeoutOf(state, lastInput.get(name));
          const answer = await Promise.race([
            options.approver({ state: name, taskToken, payload, timeoutSeconds }),
            stopped,
          ]);
          if (answer.decision !== 'no-answer' && answer.afterSeconds) {
            await options.advanceTime(Math.min(answer.afterSeconds, timeoutSeconds));
          }
          switch (answer.decision) {
            case 'approve':
              emit('approval', name, `approved by ${answer.by}`);
              return answer.output ?? { approvedBy: answer.by, approvedAt: deps.now().toISOString() };
            case 'reject':
              emit('approval', name, `rejected by ${answer.by}: ${answer.reason}`);
              throw new TaskFailure(
                ErrorNames.approvalRejected,
                `rejected by ${answer.by}: ${answer.reason}`,
              );
            case 'fail':
              emit('approval', name, `${answer.error}: ${answer.cause}`);
              throw new TaskFailure(answer.error, answer.cause);
            case 'no-answer':
              await options.advanceTime(timeoutSeconds);
              emit('approval', name, `no answer within ${timeoutSeconds}s`);
              throw new TaskFailure(ErrorNames.timeout, `no answer within ${timeoutSeconds} seconds`);
          }
        }
      : async (parameters) => {
          await settled();
          return core(parameters);
        };
  }

  const zeroed = (names: string[]) => Object.fromEntries(names.map((n) => [n, 0]));
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: taskHandlers as never,
      waitTimeOverrides: zeroed([...states].filter(([, s]) => s.Type === 'Wait').map(([n]) => n)),
      retryIntervalOverrides: zeroed([...states].filter(([, s]) => 'Retry' in s && s.Retry).map(([n]) => n)),
    },
    context: {
      Execution: {
        Id: executionArn,
        Name: options.executionName,
        Input: input,
        RoleArn: 'arn:aws:iam::000000000000:role/local',
      },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() ?? runbook.id },
      // The local engine's context is static, so every callback task of one execution shares a token.
      Task: { Token: taskToken },
    } as never,
  });

  // The engine clears its timers (the execution's and each task's timeout) only once the running
  // task settles: an aborted run's waiting approval ends too, or they would keep the process alive.
  options.signal?.addEventListener('abort', () => execution.abort(), { once: true });

  const consume = (async () => {
    for await (const event of execution.eventLogs) {
      options.onHistory?.(event);
      switch (event.type) {
        case 'StateEntered': {
          lastInput.set(event.state.name, event.state.input);
          emit('entered', event.state.name);
          const state = states.get(event.state.name);
          if (state?.Type === 'Wait') {
            const seconds = waitSecondsOf(state, event.state.input, deps.now());
            advancing = advancing.then(() => options.advanceTime(seconds));
            await advancing;
            emit('waited', event.state.name, `${seconds}s`);
          }
          break;
        }
        case 'StateFailed':
          emit('failed', event.state.name, `${event.Error}: ${String(event.Cause ?? '')}`);
          break;
        case 'StateRetried': {
          const interval = event.retry.retrier.IntervalSeconds ?? 1;
          const backoff = event.retry.retrier.BackoffRate ?? 2;
          const seconds = interval * backoff ** Math.max(0, event.retry.attempt - 1);
          advancing = advancing.then(() => options.advanceTime(seconds));
          await advancing;
          emit('retried', event.state.name, `attempt ${event.retry.attempt} after ${seconds}s`);
          break;
        }
        case 'StateCaught':
          emit('caught', event.state.name, `→ ${event.catch.catcher.Next}`);
          break;
        default:
          break;
      }
    }
  })();

  try {
    const output = await execution.result;
    await consume;
    return { status: 'SUCCEEDED', output };
  } catch (error) {
    await consume.catch(() => undefined);
    const failure = error as Error & { cause?: unknown };
    return { status: 'FAILED', error: failure.name, cause: failure.message };
  }
}

function isCallback(state: AslTaskState): boolean {
  return state.Resource.endsWith('.waitForTaskToken');
}

function timeoutOf(state: AslTaskState, input: unknown): number {
  if (state.TimeoutSeconds !== undefined) return state.TimeoutSeconds;
  if (state.TimeoutSecondsPath) return Number(readPath(input, state.TimeoutSecondsPath));
  return 60;
}

function waitSecondsOf(state: AslState & { Type: 'Wait' }, input: unknown, now: Date): number {
  if (state.Seconds !== undefined) return state.Seconds;
  if (state.SecondsPath) return Number(readPath(input, state.SecondsPath));
  const timestamp =
    state.Timestamp ?? (state.TimestampPath ? String(readPath(input, state.TimestampPath)) : undefined);
  return timestamp ? Math.max(0, (Date.parse(timestamp) - now.getTime()) / 1000) : 0;
}
