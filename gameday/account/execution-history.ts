import {
  ExecutionDoesNotExist,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
  type HistoryEventType,
  InvalidToken,
} from '@aws-sdk/client-sfn';
import type { VirtualClock } from './virtual-clock.js';

/** The local engine's events read here (aws-local-stepfunctions does not export their type). */
export interface LocalEngineEvent {
  readonly type: string;
  readonly state?: {
    readonly name: string;
    readonly type: string;
    readonly input?: unknown;
    readonly output?: unknown;
  };
  readonly Error?: string;
  readonly Cause?: unknown;
}

type NewEvent = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'>;

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Execution histories in Step Functions' shape: numbered events stamped with virtual time, read
 * page by page as GetExecutionHistory returns them (default page 100, at most 1,000, `reverseOrder`)
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html).
 */
export class ExecutionHistories {
  private readonly byArn = new Map<string, HistoryEvent[]>();

  constructor(private readonly clock: VirtualClock) {}

  add(executionArn: string, event: NewEvent): void {
    const events = this.byArn.get(executionArn) ?? [];
    this.byArn.set(executionArn, events);
    events.push({
      ...event,
      id: events.length + 1,
      previousEventId: events.length,
      timestamp: this.clock.now(),
    });
  }

  /**
   * Records what the local engine reports as Step Functions would: states entered and exited by
   * their type, and a Task's failure as TaskFailed. Retries and catches have no event of their own
   * in AWS; the execution's start and end are recorded by the service itself.
   */
  addLocal(executionArn: string, event: LocalEngineEvent): void {
    const recorded = historyEventOf(event);
    if (recorded) this.add(executionArn, recorded);
  }

  page(input: GetExecutionHistoryCommandInput): { events: HistoryEvent[]; nextToken?: string } {
    const recorded = this.byArn.get(input.executionArn ?? '');
    if (!recorded)
      throw new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${input.executionArn}'`,
        $metadata: {},
      });
    const all = [...recorded];
    if (input.reverseOrder) all.reverse();
    const size = Math.min(input.maxResults || 100, 1000);
    const from = input.nextToken === undefined ? 0 : Number(input.nextToken);
    if (!Number.isInteger(from) || from < 0 || from > all.length)
      throw new InvalidToken({ message: `Invalid Token: '${input.nextToken}'`, $metadata: {} });
    const events = all.slice(from, from + size);
    return from + size < all.length ? { events, nextToken: String(from + size) } : { events };
  }
}

function historyEventOf({ type, state, Error: error, Cause: cause }: LocalEngineEvent): NewEvent | undefined {
  if (!state) return undefined;
  switch (type) {
    case 'StateEntered':
      return {
        type: `${state.type}StateEntered` as HistoryEventType,
        stateEnteredEventDetails: { name: state.name, input: json(state.input) },
      };
    case 'StateExited':
      return {
        type: `${state.type}StateExited` as HistoryEventType,
        stateExitedEventDetails: { name: state.name, output: json(state.output) },
      };
    case 'StateFailed':
      return state.type === 'Task'
        ? {
            type: 'TaskFailed',
            taskFailedEventDetails: {
              resourceType: 'lambda',
              resource: 'invoke',
              error: error ?? '',
              cause: String(cause ?? ''),
            },
          }
        : undefined;
    default:
      return undefined;
  }
}
