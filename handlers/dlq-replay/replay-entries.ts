import type { Message, MessageAttributeValue, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { failureSignature, unparseableSignature } from '../lib/failure-signature.js';
import { replayAttributes } from '../lib/replay-attributes.js';

/** SQS's limits on one batch call: 10 entries, 256 KB in all. */
export const batchLimits = { entries: 10, bytes: 262_144 } as const;

/** What a run knows when it decides a message's fate and builds its entry. */
export interface ReplayContext {
  readonly executionId: string;
  readonly fifo: boolean;
  /** A message replayed this many times already is quarantined instead. */
  readonly maxReplays: number;
  /** Failure signatures the plan quarantines. */
  readonly quarantineSignatures: readonly string[];
}

/** What happens to one received message. */
export type Disposition = 'replay' | 'quarantine' | 'landed-back';

const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value,
});

/** The bytes SQS counts for an entry: body plus every attribute's name, type and value. */
export function entrySize(entry: SendMessageBatchRequestEntry): number {
  return (
    Buffer.byteLength(entry.MessageBody ?? '') +
    Object.entries(entry.MessageAttributes ?? {}).reduce(
      (sum, [name, value]) =>
        sum +
        Buffer.byteLength(name) +
        Buffer.byteLength(value.DataType ?? '') +
        Buffer.byteLength(value.StringValue ?? '') +
        (value.BinaryValue?.length ?? 0),
      0,
    )
  );
}

/** Splits entries into batches SQS accepts: at most 10 entries and 256 KB each, in order. */
export function batches(entries: readonly SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
  const result: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    const bytes = entrySize(entry);
    if (current.length === batchLimits.entries || (current.length > 0 && size + bytes > batchLimits.bytes)) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length) result.push(current);
  return result;
}

const replaysOf = (message: Message) =>
  Number(message.MessageAttributes?.[replayAttributes.replayCount]?.StringValue ?? '0');

/**
 * A message's fate: one this run replayed came back (`landed-back`); one that can never succeed
 * (not JSON, a quarantined signature, replayed too often) goes to quarantine; the rest are replayed.
 */
export function dispositionOf(message: Message, run: ReplayContext): Disposition {
  const attributes = message.MessageAttributes ?? {};
  if (attributes[replayAttributes.execution]?.StringValue === run.executionId) return 'landed-back';
  const signature = failureSignature(message.Body ?? '');
  if (
    signature === unparseableSignature ||
    run.quarantineSignatures.includes(signature) ||
    replaysOf(message) >= run.maxReplays
  ) {
    return 'quarantine';
  }
  return 'replay';
}

/**
 * The entry that sends a message on: body and attributes unchanged, plus where it came from; FIFO
 * group kept and a deduplication id unique per message and run (a resend after a crash is dropped
 * by SQS, a later run's is not). `id` is the entry id, the message's index in its receive.
 */
export function replayEntry(
  message: Message,
  id: string,
  run: ReplayContext,
  disposition: 'replay' | 'quarantine',
): SendMessageBatchRequestEntry {
  const attributes = message.MessageAttributes ?? {};
  const originalId = attributes[replayAttributes.originalId]?.StringValue ?? message.MessageId ?? '';
  const replays = replaysOf(message);
  return {
    Id: id,
    MessageBody: message.Body ?? '',
    MessageAttributes: {
      ...attributes,
      [replayAttributes.originalId]: stringAttribute(originalId),
      ...(disposition === 'replay'
        ? {
            [replayAttributes.replayCount]: stringAttribute(String(replays + 1)),
            [replayAttributes.execution]: stringAttribute(run.executionId),
          }
        : { [replayAttributes.quarantinedBy]: stringAttribute(run.executionId) }),
    },
    ...(run.fifo
      ? {
          MessageGroupId: message.Attributes?.MessageGroupId ?? originalId,
          MessageDeduplicationId: `${originalId}.${replays + 1}.${run.executionId.split(':').pop()}`.slice(
            -128,
          ),
        }
      : {}),
  };
}
