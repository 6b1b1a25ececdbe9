import type { VirtualClock } from '../virtual-clock.js';
import type { QueueStore, SimulatedQueue, StoredMessage } from './queue-store.js';

/**
 * A queue's consumer as the adaptive replay meets it: a function that processes so many messages a
 * second without errors, at any moment (a dependency slowing down lowers it). Served continuously,
 * on every move of the clock, not once a minute: a replay's pacing happens within seconds.
 */
export interface CapacityConsumer {
  readonly functionName: string;
  /** Messages a second it processes without errors, at a moment. */
  readonly capacityPerSecond: (at: Date) => number;
  /**
   * Above capacity, `queue`: it takes no more than it can process, and the backlog grows;
   * `fail`: Lambda scales with what arrives, the excess fails and returns after the visibility
   * timeout, and past the queue's maxReceiveCount goes to its dead-letter queue.
   */
  readonly aboveCapacity: 'queue' | 'fail';
  /**
   * Whether it handles a message at all, told of each one it does (false: it fails on it, as
   * on a poison message or before a fix).
   * @default every message
   */
  readonly handles?: (message: {
    readonly messageId: string;
    readonly body: string;
    readonly attributes: StoredMessage['attributes'];
  }) => boolean;
  /**
   * The executions its capacity takes: working at capacity it runs this many at once (with
   * `queue`, never more: its reserved concurrency or its mapping's maximum concurrency, which the
   * game day sets on the function too, is what bounds it).
   * @default 10
   */
  readonly concurrency?: number;
}

/**
 * What a slice of a second cost the consumer's function, published as its AWS/Lambda metrics:
 * invocations (batches of up to 10, the mapping's default), the failed ones, and the executions
 * running at once.
 */
export interface Served {
  readonly invocations: number;
  readonly errors: number;
  readonly concurrency: number;
}

/** Messages in one invocation: an SQS event source mapping's default batch size. */
const batchSize = 10;

/** What a consumer did so far. */
export interface ConsumerCounts {
  processed: number;
  errors: number;
}

interface Attached {
  readonly consumer: CapacityConsumer;
  lastAt: number;
  /** Capacity earned and not used yet: at most a second's worth. */
  credit: number;
  readonly counts: ConsumerCounts;
}

/** How many times its capacity a failing consumer's pollers take, at most: Lambda scales up fast. */
const overloadFactor = 10;

/** The capacity consumers of an account's queues, each served up to the clock's time. */
export class CapacityConsumers {
  private readonly attached = new Map<string, Attached>();

  constructor(
    private readonly store: QueueStore,
    private readonly clock: VirtualClock,
    private readonly publish: (functionName: string, served: Served, at: Date) => void,
  ) {}

  attach(queueUrl: string, consumer: CapacityConsumer): ConsumerCounts {
    this.store.byUrl(queueUrl);
    const counts = { processed: 0, errors: 0 };
    this.attached.set(queueUrl, { consumer, lastAt: this.clock.now().getTime(), credit: 0, counts });
    return counts;
  }

  /** Serves every consumer for the time since it was last served, a second at a time. */
  run(): void {
    const now = this.clock.now().getTime();
    for (const [url, a] of this.attached) {
      for (let from = a.lastAt; from < now; from = Math.min(now, from + 1_000)) {
        this.serve(this.store.byUrl(url), a, Math.min(now, from + 1_000) - from, new Date(now));
      }
      a.lastAt = Math.max(a.lastAt, now);
    }
  }

  /** One slice of at most a second: what the consumer takes, handles and fails. */
  private serve(queue: SimulatedQueue, a: Attached, elapsedMs: number, at: Date): void {
    const perSecond = a.consumer.capacityPerSecond(at);
    // A second's worth of capacity absorbs a burst (a batch arriving at once); beyond it, no saving up.
    a.credit = Math.min(perSecond, a.credit + (perSecond * elapsedMs) / 1000);
    const capacity = Math.floor(a.credit);
    const max =
      a.consumer.aboveCapacity === 'queue'
        ? capacity
        : Math.max(capacity, Math.ceil(((perSecond * elapsedMs) / 1000) * overloadFactor));
    const taken: StoredMessage[] = max > 0 ? this.store.take(queue, max, queue.visibilityTimeout) : [];
    const succeeding = Math.min(capacity, taken.length);
    // What it handled is deleted; the rest failed: in flight until the visibility timeout, then received again.
    for (const message of taken.slice(0, succeeding)) {
      const handled = a.consumer.handles?.(message) ?? true;
      if (handled) this.store.remove(queue, message.receiptHandle ?? '');
      a.counts[handled ? 'processed' : 'errors'] += 1;
    }
    a.counts.errors += taken.length - succeeding;
    a.credit -= succeeding;
    if (taken.length) {
      const concurrency = a.consumer.concurrency ?? 10;
      // Each execution handles its share of the capacity; a failing consumer scales past it.
      const perExecution = (Math.max(perSecond, 1) * elapsedMs) / 1000 / concurrency;
      const running = Math.ceil(taken.length / Math.max(perExecution, Number.EPSILON));
      this.publish(
        a.consumer.functionName,
        {
          invocations: Math.ceil(taken.length / batchSize),
          errors: Math.ceil((taken.length - succeeding) / batchSize),
          concurrency: a.consumer.aboveCapacity === 'queue' ? Math.min(concurrency, running) : running,
        },
        at,
      );
    }
  }
}
