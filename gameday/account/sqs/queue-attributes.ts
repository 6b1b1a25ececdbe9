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
