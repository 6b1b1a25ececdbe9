import type { Message, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { failureSignature, unparseableSignature } from './failure-signature.js';
import {
  foreignAttributes,
  maxMessageAttributes,
  replayMarksOf,
  withReplayMarks,
} from './replay-attributes.js';

/**
 * SQS's limits on one batch call: 10 entries, 1 MiB in all (also the largest message), as the
 * SQS API reference gives them since the limit was raised from 256 KB.
 */
export const batchLimits = { entries: 10, bytes: 1_048_576 } as const;

/** What a run knows when it decides a message's fate and builds its entry. */
export interface ReplayContext {
  readonly executionId: string;
  readonly fifo: boolean;
  /** A message replayed this many times already is quarantined instead. */
  readonly maxReplays: number;
  /** Failure signatures the plan quarantines. */
  readonly quarantineSignatures: readonly string[];
}

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

/** Splits entries into batches SQS accepts: at most 10 entries and 1 MiB each, in order. */
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

/** A message's fate, and for quarantine why: what the quarantined copy says. */
export type Disposition =
  | { readonly kind: 'replay' }
  | { readonly kind: 'quarantine'; readonly reason: string }
  | { readonly kind: 'landed-back' };

/**
 * A message's fate: one this run replayed came back (`landed-back`); one that can never succeed
 * (not JSON, a quarantined signature, replayed too often, or with ten attributes of its own and no
 * room for the replay's) goes to quarantine; the rest are replayed.
 */
export function dispositionOf(message: Message, run: ReplayContext): Disposition {
  const marks = replayMarksOf(message.MessageAttributes);
  if (marks.execution === run.executionId) return { kind: 'landed-back' };
  const signature = failureSignature(message.Body ?? '');
  if (signature === unparseableSignature) return { kind: 'quarantine', reason: 'the body is not JSON' };
  if (run.quarantineSignatures.includes(signature))
    return { kind: 'quarantine', reason: `failure signature ${signature} is quarantined by the plan` };
  if ((marks.replayCount ?? 0) >= run.maxReplays)
    return { kind: 'quarantine', reason: `replayed ${marks.replayCount} times already` };
  if (Object.keys(foreignAttributes(message.MessageAttributes)).length >= maxMessageAttributes)
    return { kind: 'quarantine', reason: `ten message attributes already: no room for the replay's` };
  return { kind: 'replay' };
}

/**
 * The entry that sends a message on: body and own attributes unchanged, plus where it came from
 * (within SQS's ten attributes); FIFO group kept and a deduplication id unique per message and run
 * (a resend after a crash is dropped by SQS, a later run's is not). `id` is the entry id, the
 * message's index in its receive.
 */
export function replayEntry(
  message: Message,
  id: string,
  run: ReplayContext,
  disposition: Exclude<Disposition, { kind: 'landed-back' }>,
): SendMessageBatchRequestEntry {
  const marks = replayMarksOf(message.MessageAttributes);
  const originalId = marks.originalId ?? message.MessageId ?? '';
  const replays = marks.replayCount ?? 0;
  const attributes =
    withReplayMarks(
      message.MessageAttributes,
      disposition.kind === 'replay'
        ? { originalId, replayCount: replays + 1, execution: run.executionId }
        : {
            originalId,
            replayCount: replays,
            quarantinedBy: run.executionId,
            quarantineReason: disposition.reason,
          },
    ) ?? foreignAttributes(message.MessageAttributes);
  return {
    Id: id,
    MessageBody: message.Body ?? '',
    ...(Object.keys(attributes).length ? { MessageAttributes: attributes } : {}),
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
