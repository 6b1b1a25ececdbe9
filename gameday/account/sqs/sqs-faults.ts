import { RequestThrottled, SQSServiceException } from '@aws-sdk/client-sqs';
import { LambdaCutOff } from '../faults/call-faults.js';
import { seeded } from '../seeded-random.js';
import type { VirtualClock } from '../virtual-clock.js';

/** Faults a game day injects into every call of the queue API. */
export interface SqsFaults {
  /** Share of calls answered with RequestThrottled. */
  readonly throttleRate?: number;
  /** Share of calls answered with a server error (HTTP 500). */
  readonly serverErrorRate?: number;
  /** Share of SendMessageBatch entries that fail on their own (the rest of the batch succeeds). */
  readonly failedEntryRate?: number;
  /** Virtual milliseconds every call takes. */
  readonly latencyMs?: number;
  /**
   * Share of successful SendMessageBatch calls after which the caller dies (a Lambda timeout or
   * crash): the messages were sent, the caller never learns it and never deletes them.
   */
  readonly crashAfterSendRate?: number;
}

/**
 * The message operations faults are injected into: they carry a replay's traffic; queue attribute
 * and move task calls have their own, far lower, quotas.
 */
const faultedOperations = new Set([
  'DeleteMessage',
  'ReceiveMessage',
  'SendMessage',
  'SendMessageBatch',
  'DeleteMessageBatch',
  'ChangeMessageVisibilityBatch',
]);

/** Counts every API call and applies the injected faults, on a repeatable schedule. */
export class SqsFaultInjector {
  private faults: SqsFaults = {};
  private random = seeded(1);
  /** Every API call, by operation: what a replay costs. */
  readonly calls = new Map<string, number>();

  constructor(private readonly clock: VirtualClock) {}

  /** Injects faults into every later call; the seed makes the schedule repeatable. */
  inject(faults: SqsFaults, seed = 1): void {
    this.faults = faults;
    this.random = seeded(seed);
  }

  /** Counts a call and applies the injected latency and failures (to the message operations only). */
  call(operation: string): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    if (!faultedOperations.has(operation)) return;
    if (this.faults.latencyMs) this.clock.set(this.clock.now().getTime() + this.faults.latencyMs);
    if (this.faults.throttleRate && this.random() < this.faults.throttleRate) {
      throw new RequestThrottled({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    }
    if (this.faults.serverErrorRate && this.random() < this.faults.serverErrorRate) {
      throw new SQSServiceException({
        name: 'InternalError',
        $fault: 'server',
        message: 'We encountered an internal error. Please try again.',
        $metadata: { httpStatusCode: 500 },
      });
    }
  }

  /** Whether one batch entry fails on its own. */
  entryFails(): boolean {
    return this.faults.failedEntryRate !== undefined && this.random() < this.faults.failedEntryRate;
  }

  /** Throws when the caller dies after a batch was sent. */
  crashAfterSend(): void {
    if (this.faults.crashAfterSendRate && this.random() < this.faults.crashAfterSendRate) {
      throw new LambdaCutOff('the invocation timed out after SendMessageBatch');
    }
  }
}
