import type { BatchResultErrorEntry, ChangeMessageVisibilityBatchRequestEntry } from '@aws-sdk/client-sqs';
import { type SimulatedQueue, sqsLimits } from './queue-store.js';

/** The failed entry SQS answers for a receipt handle it does not know. */
export const invalidHandle = (id: string | undefined): BatchResultErrorEntry => ({
  Id: id,
  Code: 'ReceiptHandleIsInvalid',
  SenderFault: true,
  Message: 'The receipt handle is not valid',
});

/**
 * Changes one received message's visibility as ChangeMessageVisibility does, or says why SQS
 * refuses: an unknown receipt handle, or a total beyond 12 hours from the receive.
 */
export function changeVisibility(
  queue: SimulatedQueue,
  entry: ChangeMessageVisibilityBatchRequestEntry,
  now: number,
): BatchResultErrorEntry | undefined {
  const message = queue.messages.find((m) => m.receiptHandle === entry.ReceiptHandle);
  if (!message) return invalidHandle(entry.Id);
  // The receipt handle ends with the time of its receive: visibility is capped 12 hours from it.
  const receivedAt = Number(entry.ReceiptHandle?.split('#').pop() ?? now);
  const total = (now - receivedAt) / 1000 + (entry.VisibilityTimeout ?? 0);
  if (total > sqsLimits.maxVisibilitySeconds) {
    return {
      Id: entry.Id,
      Code: 'InvalidParameterValue',
      SenderFault: true,
      Message: `Value ${entry.VisibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${sqsLimits.maxVisibilitySeconds} seconds].`,
    };
  }
  message.visibleAt = now + (entry.VisibilityTimeout ?? 0) * 1000;
  return undefined;
}
