import { InvalidAttributeValue } from '@aws-sdk/client-sqs';
import type { SimulatedQueue } from './queue-store.js';

/**
 * A queue's attributes as GetQueueAttributes answers: only those asked for, `All` for every one
 * (SQS API reference, GetQueueAttributes).
 */
export function queueAttributes(
  queue: SimulatedQueue,
  depth: { readonly visible: number; readonly inFlight: number },
  asked: readonly string[],
): Record<string, string> {
  const all: Record<string, string> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(depth.visible),
    ApproximateNumberOfMessagesNotVisible: String(depth.inFlight),
    VisibilityTimeout: String(queue.visibilityTimeout),
    MaximumMessageSize: String(queue.maximumMessageSize),
    FifoQueue: String(queue.fifo),
    ...(queue.redrive
      ? {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: queue.redrive.deadLetterTargetArn,
            maxReceiveCount: queue.redrive.maxReceiveCount,
          }),
        }
      : {}),
  };
  return Object.fromEntries(
    Object.entries(all).filter(([name]) => asked.includes('All') || asked.includes(name)),
  );
}

/**
 * The visibility timeout and redrive policy a SetQueueAttributes call sets, checked as SQS checks
 * them (SQS API reference, SetQueueAttributes): VisibilityTimeout 0 to 43,200; a redrive policy
 * names an existing dead-letter queue of the same type and a maxReceiveCount of 1 to 1,000. A
 * refused attribute is an InvalidAttributeValue and changes none of them.
 */
export function settableAttributes(
  attributes: Readonly<Record<string, string>>,
  queue: SimulatedQueue,
  queues: readonly SimulatedQueue[],
): { visibility?: number; redrive?: SimulatedQueue['redrive'] } {
  const refuse = (message: string) => new InvalidAttributeValue({ message, $metadata: {} });
  let visibility: number | undefined;
  if (attributes.VisibilityTimeout !== undefined) {
    visibility = Number(attributes.VisibilityTimeout);
    if (!/^\d+$/.test(attributes.VisibilityTimeout) || visibility > 43_200)
      throw refuse(`Invalid value for the parameter VisibilityTimeout: ${attributes.VisibilityTimeout}`);
  }
  if (!attributes.RedrivePolicy) return visibility === undefined ? {} : { visibility };
  const invalidPolicy = refuse(`Value ${attributes.RedrivePolicy} for parameter RedrivePolicy is invalid.`);
  let policy: { deadLetterTargetArn?: string; maxReceiveCount?: unknown };
  try {
    policy = JSON.parse(attributes.RedrivePolicy);
  } catch {
    throw invalidPolicy;
  }
  const count = Number(policy.maxReceiveCount);
  const dlq = queues.find((q) => q.arn === policy.deadLetterTargetArn);
  if (!dlq || dlq.fifo !== queue.fifo || !Number.isInteger(count) || count < 1 || count > 1_000)
    throw invalidPolicy;
  return {
    ...(visibility === undefined ? {} : { visibility }),
    redrive: { deadLetterTargetArn: dlq.arn, maxReceiveCount: count },
  };
}
