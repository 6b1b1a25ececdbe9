import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { MetricStore } from '../metric-store.js';
import type { QueueStore, SimulatedQueue } from './queue-store.js';

/** A queue's consumer (an event source mapping to a function), as a game day models it. */
export interface SimulatedConsumer {
  readonly functionName: string;
  /** Messages the consumer handles per virtual minute. */
  readonly perMinute: number;
  /** Whether the consumer handles a message; a failure leaves it to SQS's retries and redrive. */
  readonly handles: (message: {
    readonly messageId: string;
    readonly body: string;
    readonly attributes: Record<string, MessageAttributeValue>;
  }) => boolean;
  /** How long one batch takes the function, in milliseconds. Default: 1,000. */
  readonly durationMs?: number;
  /** Told of each minute's outcome (to publish the function's metrics). */
  readonly onMinute?: (invocations: number, errors: number, at: Date, throttles: number) => void;
}

/** What polls a queue for its consumer, as its event source mapping and the function allow. */
export interface PollingCapacity {
  readonly batchSize: number;
  /** The mapping's ScalingConfig.MaximumConcurrency, if set. */
  readonly maximumConcurrency?: number;
  /** The function's reserved concurrency, if it has one. */
  readonly reserved?: number;
}

/** Most concurrent pollers an SQS event source scales to without a maximum concurrency. */
const maxPollers = 1_000;

interface Producer {
  readonly queueUrl: string;
  readonly perMinute: number;
  readonly body: (n: number) => string;
  sent: number;
}

/**
 * What happens to the queues every virtual minute without an API call: producers send, consumers
 * receive and delete what they handled, and SQS publishes each queue's depth to CloudWatch.
 */
export class QueueTraffic {
  private readonly consumers = new Map<string, SimulatedConsumer>();
  private readonly producers: Producer[] = [];

  constructor(
    private readonly store: QueueStore,
    private readonly metrics: MetricStore,
    /** The event source mapping of a queue (by ARN) and its function's reservation, if any. */
    private readonly capacityOf: (queueArn: string) => PollingCapacity | undefined = () => undefined,
  ) {}

  attachConsumer(queueUrl: string, consumer: SimulatedConsumer): void {
    this.store.byUrl(queueUrl);
    this.consumers.set(queueUrl, consumer);
  }

  detachConsumer(queueUrl: string): void {
    this.consumers.delete(queueUrl);
  }

  /** Sends `perMinute` new messages to a queue every virtual minute, as a steady producer does. */
  addProducer(queueUrl: string, perMinute: number, body: (n: number) => string): void {
    this.store.byUrl(queueUrl);
    this.producers.push({ queueUrl, perMinute, body, sent: 0 });
  }

  /** The minute that ended at `minuteEnded`. */
  minute(minuteEnded: Date): void {
    for (const producer of this.producers) {
      const queue = this.store.byUrl(producer.queueUrl);
      for (let i = 0; i < producer.perMinute; i += 1) {
        producer.sent += 1;
        this.store.enqueue(queue, {
          MessageBody: producer.body(producer.sent),
          ...(queue.fifo
            ? {
                MessageGroupId: `producer-${producer.sent % 10}`,
                MessageDeduplicationId: `produced-${producer.sent}`,
              }
            : {}),
        });
      }
    }
    for (const [url, consumer] of this.consumers) this.consume(this.store.byUrl(url), consumer, minuteEnded);
    // SQS publishes queue depth to CloudWatch every minute.
    const minuteStart = new Date(minuteEnded.getTime() - 60_000);
    for (const queue of this.store.all()) {
      const { visible } = this.store.depth(queue);
      this.metrics.record(
        {
          namespace: 'AWS/SQS',
          name: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: queue.name },
        },
        minuteStart,
        { sum: visible, count: 1, min: visible, max: visible },
      );
    }
  }

  /**
   * One minute of an event source mapping: its pollers scale with the backlog up to the mapping's
   * maximum concurrency (without one, up to 1,000, whatever the function's reserved concurrency);
   * invocations beyond the function's reservation are throttled, and their batches stay in flight
   * until the visibility timeout and count as receives, on their way to the DLQ
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
   */
  private consume(queue: SimulatedQueue, consumer: SimulatedConsumer, at: Date): void {
    const capacity = this.capacityOf(queue.arn);
    let limit = consumer.perMinute;
    let throttles = 0;
    if (capacity) {
      const visible = this.store.depth(queue).visible;
      const pollers = Math.min(
        capacity.maximumConcurrency ?? maxPollers,
        Math.ceil(visible / capacity.batchSize),
      );
      const running = Math.min(pollers, capacity.reserved ?? pollers);
      const batchesPerSlot = Math.floor(60_000 / (consumer.durationMs ?? 1_000));
      limit = Math.min(limit, running * batchesPerSlot * capacity.batchSize);
      throttles = (pollers - running) * Math.max(1, Math.floor(60 / queue.visibilityTimeout));
    }
    let invocations = 0;
    let errors = 0;
    // Throttled batches were received and are in flight: they come back after the visibility timeout.
    this.store.take(queue, throttles * (capacity?.batchSize ?? 1), queue.visibilityTimeout);
    for (const message of this.store.take(queue, limit, queue.visibilityTimeout)) {
      invocations += 1;
      if (
        consumer.handles({ messageId: message.messageId, body: message.body, attributes: message.attributes })
      ) {
        this.store.remove(queue, message.receiptHandle ?? '');
      } else {
        errors += 1;
        // A failed batch item returns to the queue once its visibility timeout passes.
      }
    }
    consumer.onMinute?.(invocations, errors, at, throttles);
  }
}
