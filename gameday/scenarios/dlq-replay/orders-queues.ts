import type { SimulatedAccount } from '../../account/simulated-account.js';

/** The orders queue dead-letters a message after this many failed receives. */
export const ordersMaxReceiveCount = 3;

/**
 * The orders queues of the DLQ game days: `orders` dead-letters into `orders-dlq` after three
 * receives, beside the quarantine queue `orders-dlq-quarantine` (all FIFO, `.fifo`, when asked).
 */
export function createOrdersQueues(
  account: SimulatedAccount,
  options: { fifo?: boolean; visibilityTimeout?: number } = {},
) {
  const suffix = options.fifo ? '.fifo' : '';
  const fifo = options.fifo ? { FifoQueue: 'true' } : {};
  const dlqUrl = account.sqs.createQueue({ QueueName: `orders-dlq${suffix}`, Attributes: fifo }).QueueUrl;
  const dlqArn = account.sqs.arnOf(dlqUrl);
  const sourceUrl = account.sqs.createQueue({
    QueueName: `orders${suffix}`,
    Attributes: {
      ...fifo,
      VisibilityTimeout: String(options.visibilityTimeout ?? 180),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: ordersMaxReceiveCount }),
    },
  }).QueueUrl;
  const quarantineUrl = account.sqs.createQueue({
    QueueName: `orders-dlq-quarantine${suffix}`,
    Attributes: fifo,
  }).QueueUrl;
  const sourceArn = account.sqs.arnOf(sourceUrl);
  account.sqs.calls.clear();
  return { dlqUrl, dlqArn, sourceUrl, sourceArn, quarantineUrl };
}
