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
  /** Told of each minute's outcome (to publish the function's metrics). */
  readonly onMinute?: (invocations: number, errors: number, at: Date) => void;
}

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

  private consume(queue: SimulatedQueue, consumer: SimulatedConsumer, at: Date): void {
    let invocations = 0;
    let errors = 0;
    for (const message of this.store.take(queue, consumer.perMinute, queue.visibilityTimeout)) {
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
    consumer.onMinute?.(invocations, errors, at);
  }
}
