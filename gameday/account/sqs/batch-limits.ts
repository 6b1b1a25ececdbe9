import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  type SendMessageBatchRequestEntry,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { messageSize, sqsLimits } from './queue-store.js';

/** A batch call's entries: at least one, at most ten, with distinct ids, as SQS checks them. */
export function checkBatchIds(ids: readonly string[]): void {
  if (ids.length === 0)
    throw new EmptyBatchRequest({
      message: 'There should be at least one entry in the request',
      $metadata: {},
    });
  if (ids.length > sqsLimits.batchEntries) {
    throw new TooManyEntriesInBatchRequest({
      message: 'Maximum number of entries per request are 10',
      $metadata: {},
    });
  }
  if (new Set(ids).size !== ids.length)
    throw new BatchEntryIdsNotDistinct({
      message: 'Two or more batch entries have the same Id',
      $metadata: {},
    });
}

/** A send batch's messages together stay within the payload limit, or SQS refuses the whole call. */
export function checkBatchSize(entries: readonly SendMessageBatchRequestEntry[]): void {
  const total = entries.reduce((sum, e) => sum + messageSize(e.MessageBody ?? '', e.MessageAttributes), 0);
  if (total > sqsLimits.payloadBytes) {
    throw new BatchRequestTooLong({
      message: `Batch requests cannot be longer than ${sqsLimits.payloadBytes} bytes`,
      $metadata: {},
    });
  }
}
