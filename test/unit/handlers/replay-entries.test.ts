import type { Message, MessageAttributeValue, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  originalIdOf,
  replayAttributes,
  replayMarksOf,
  withReplayMarks,
} from '../../../handlers/dlq-replay/replay-attributes.js';
import {
  batches,
  dispositionOf,
  entrySize,
  type ReplayContext,
  replayEntry,
} from '../../../handlers/dlq-replay/replay-entries.js';

const run: ReplayContext = {
  executionId: 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:run-7',
  fifo: false,
  maxReplays: 3,
  quarantineSignatures: ['order-cancelled{orderId,type}'],
};
const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
const own = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}`, text('v')]));
const message = (overrides: Partial<Message> = {}): Message => ({
  MessageId: 'm-1',
  ReceiptHandle: 'r-1',
  Body: JSON.stringify({ type: 'order-placed', orderId: 7 }),
  ...overrides,
});
const entry = (bytes: number): SendMessageBatchRequestEntry => ({ Id: 'e', MessageBody: 'x'.repeat(bytes) });

describe('what SQS counts and accepts', () => {
  it('counts body and every attribute’s name, type and value in bytes', () => {
    expect(entrySize({ Id: '0', MessageBody: 'é€' })).toBe(5);
    expect(
      entrySize({
        Id: '0',
        MessageBody: 'ab',
        MessageAttributes: {
          k: text('vv'),
          bin: { DataType: 'Binary', BinaryValue: new Uint8Array(4) },
        },
      }),
    ).toBe(2 + (1 + 6 + 2) + (3 + 6 + 4));
  });

  it('splits into batches of at most ten entries and 1 MiB, keeping order', () => {
    expect(batches([])).toEqual([]);
    const small = Array.from({ length: 25 }, (_, i) => ({ Id: String(i), MessageBody: '{}' }));
    expect(batches(small).map((b) => b.map((e) => e.Id))).toEqual([
      small.slice(0, 10).map((e) => e.Id),
      small.slice(10, 20).map((e) => e.Id),
      small.slice(20).map((e) => e.Id),
    ]);
    expect(batches([entry(400 * 1024), entry(400 * 1024), entry(400 * 1024)]).map((b) => b.length)).toEqual([
      2, 1,
    ]);
    // Exactly 1 MiB fits in one batch; a byte more does not.
    expect(batches([entry(524_288), entry(524_288)]).map((b) => b.length)).toEqual([2]);
    expect(batches([entry(524_288), entry(524_289)]).map((b) => b.length)).toEqual([1, 1]);
    expect(batches([entry(1_048_576), entry(1)]).map((b) => b.length)).toEqual([1, 1]);
    // An oversized entry goes alone (SQS refuses it as a sender fault), never after an empty batch.
    expect(batches([entry(1_048_577), entry(1)]).map((b) => b.length)).toEqual([1, 1]);
  });
});

describe('a message’s fate', () => {
  it('replays a parseable message with room for the marks', () => {
    expect(dispositionOf(message({ MessageAttributes: own(9) }), run)).toEqual({ kind: 'replay' });
  });

  it('recognises a message this run replayed that came back, and only this run’s', () => {
    const marked = (execution: string) =>
      message({ MessageAttributes: withReplayMarks({}, { originalId: 'm-0', replayCount: 1, execution }) });
    expect(dispositionOf(marked(run.executionId), run)).toEqual({ kind: 'landed-back' });
    expect(dispositionOf(marked(`${run.executionId}-earlier`), run)).toEqual({ kind: 'replay' });
  });

  it('quarantines, with the reason, what can never succeed', () => {
    expect(dispositionOf(message({ Body: '{"orderId": 7' }), run)).toEqual({
      kind: 'quarantine',
      reason: 'the body is not JSON',
    });
    expect(dispositionOf(message({ Body: '{"type":"order-cancelled","orderId":1}' }), run)).toEqual({
      kind: 'quarantine',
      reason: 'failure signature order-cancelled{orderId,type} is quarantined by the plan',
    });
    expect(dispositionOf(message({ MessageAttributes: own(10) }), run)).toEqual({
      kind: 'quarantine',
      reason: `ten message attributes already: no room for the replay's`,
    });
  });

  it('quarantines a message replayed the most times a run allows, not before', () => {
    const replayed = (replayCount: number) =>
      message({
        MessageAttributes: withReplayMarks({}, { originalId: 'm-0', replayCount, execution: 'old' }),
      });
    expect(dispositionOf(replayed(2), run)).toEqual({ kind: 'replay' });
    expect(dispositionOf(replayed(3), run)).toEqual({
      kind: 'quarantine',
      reason: 'replayed 3 times already',
    });
  });
});

describe('the entry that sends a message on', () => {
  it('keeps body and attributes and adds where it came from', () => {
    const sent = replayEntry(message({ MessageAttributes: own(2) }), '4', run, { kind: 'replay' });
    expect(sent).toEqual({
      Id: '4',
      MessageBody: message().Body,
      MessageAttributes: {
        ...own(2),
        [replayAttributes.originalId]: text('m-1'),
        [replayAttributes.replayCount]: text('1'),
        [replayAttributes.execution]: text(run.executionId),
      },
    });
  });

  it('counts replays from the original message across runs', () => {
    const again = message({
      MessageId: 'm-2',
      MessageAttributes: withReplayMarks(own(1), { originalId: 'm-1', replayCount: 2, execution: 'old' }),
    });
    const sent = replayEntry(again, '0', run, { kind: 'replay' });
    expect(replayMarksOf(sent.MessageAttributes)).toEqual({
      originalId: 'm-1',
      replayCount: 3,
      execution: run.executionId,
    });
    expect(sent.MessageAttributes?.a0).toEqual(text('v'));
  });

  it('marks a quarantined copy with the run and the reason, its replay count unchanged', () => {
    const sent = replayEntry(message(), '0', run, { kind: 'quarantine', reason: 'the body is not JSON' });
    expect(sent.MessageAttributes).toEqual({
      [replayAttributes.originalId]: text('m-1'),
      [replayAttributes.replayCount]: text('0'),
      [replayAttributes.quarantinedBy]: text(run.executionId),
      [replayAttributes.quarantineReason]: text('the body is not JSON'),
    });
  });

  it('quarantines a message with ten attributes of its own unchanged', () => {
    const sent = replayEntry(message({ MessageAttributes: own(10) }), '0', run, {
      kind: 'quarantine',
      reason: 'no room',
    });
    expect(sent.MessageAttributes).toEqual(own(10));
  });

  it('keeps FIFO groups and derives a deduplication id per message, replay and run', () => {
    const fifo = { ...run, fifo: true };
    const grouped = message({ Attributes: { MessageGroupId: 'customer-4' } });
    expect(replayEntry(grouped, '0', fifo, { kind: 'replay' })).toMatchObject({
      MessageGroupId: 'customer-4',
      MessageDeduplicationId: 'm-1.1.run-7',
    });
    const long = message({ MessageId: 'm'.repeat(200) });
    const dedup = replayEntry(long, '0', fifo, { kind: 'replay' }).MessageDeduplicationId ?? '';
    expect(dedup).toHaveLength(128);
    expect(dedup.endsWith('.1.run-7')).toBe(true);
    expect(replayEntry(grouped, '0', run, { kind: 'replay' })).not.toHaveProperty('MessageGroupId');
    expect(replayEntry(grouped, '0', run, { kind: 'replay' })).not.toHaveProperty('MessageDeduplicationId');
  });
});

describe('replay marks within SQS’s ten attributes', () => {
  const marks = { originalId: 'm-1', replayCount: 2, execution: 'run-7' };

  it('are separate attributes with room, one packed attribute with room for one, none without room', () => {
    expect(Object.keys(withReplayMarks(own(7), marks) ?? {})).toHaveLength(10);
    const packed = withReplayMarks(own(8), marks) ?? {};
    expect(Object.keys(packed)).toHaveLength(9);
    expect(JSON.parse(packed[replayAttributes.packed]?.StringValue ?? '')).toEqual(marks);
    expect(withReplayMarks(own(10), marks)).toBeUndefined();
  });

  it('replace a message’s earlier marks rather than adding to them', () => {
    const first = withReplayMarks(own(8), marks);
    const second = withReplayMarks(first, { ...marks, replayCount: 3 }) ?? {};
    expect(Object.keys(second)).toHaveLength(9);
    expect(replayMarksOf(second).replayCount).toBe(3);
  });

  it('read back in either form, and a mangled packed attribute reads as none', () => {
    expect(replayMarksOf(withReplayMarks({}, marks))).toEqual(marks);
    expect(replayMarksOf(withReplayMarks(own(8), marks))).toEqual(marks);
    expect(replayMarksOf({ [replayAttributes.packed]: text('{oops') })).toEqual({});
    expect(replayMarksOf(undefined)).toEqual({});
    expect(originalIdOf(withReplayMarks({}, marks), 'm-9')).toBe('m-1');
    expect(originalIdOf(own(2), 'm-9')).toBe('m-9');
  });

  it('cut a quarantine reason to 256 characters', () => {
    const long = withReplayMarks({}, { quarantinedBy: 'run-7', quarantineReason: 'r'.repeat(300) }) ?? {};
    expect(long[replayAttributes.quarantineReason]?.StringValue).toHaveLength(256);
  });
});
