import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  foreignAttributes,
  originalIdOf,
  replayAttributes,
  replayMarksOf,
  withReplayMarks,
} from '../../../../handlers/dlq-replay/replay-attributes.js';

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
/** `count` attributes of the message's own. */
const own = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`own${i}`, text(`v${i}`)]));
const run = 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:r1';

describe('replay marks on a message', () => {
  it('are added as separate attributes when there is room, and only the marks given', () => {
    expect(withReplayMarks(own(1), { execution: run })).toEqual({
      ...own(1),
      [replayAttributes.execution]: text(run),
    });
    expect(withReplayMarks(undefined, { originalId: 'm1', replayCount: 2, quarantinedBy: run })).toEqual({
      [replayAttributes.originalId]: text('m1'),
      [replayAttributes.replayCount]: text('2'),
      [replayAttributes.quarantinedBy]: text(run),
    });
  });

  it('are packed into one attribute when the message has room for exactly one', () => {
    const marks = { originalId: 'm1', replayCount: 1, execution: run };
    const attributes = withReplayMarks(own(9), marks);
    expect(Object.keys(attributes ?? {})).toHaveLength(10);
    expect(attributes?.[replayAttributes.packed]).toEqual(text(JSON.stringify(marks)));
    expect(replayMarksOf(attributes)).toEqual(marks);
    expect(withReplayMarks(own(10), marks)).toBeUndefined();
  });

  it('replace an earlier replay’s marks rather than count against the ten', () => {
    const once = withReplayMarks(own(7), { originalId: 'm1', replayCount: 1, execution: run });
    expect(Object.keys(once ?? {})).toHaveLength(10);
    expect(foreignAttributes(once)).toEqual(own(7));
    const twice = withReplayMarks(once, { originalId: 'm1', replayCount: 2, execution: `${run}-2` });
    expect(Object.keys(twice ?? {})).toHaveLength(10);
    expect(replayMarksOf(twice)).toEqual({ originalId: 'm1', replayCount: 2, execution: `${run}-2` });
  });

  it('are read back in either form, and a garbled packed attribute reads as none', () => {
    expect(
      replayMarksOf({
        [replayAttributes.originalId]: text('m1'),
        [replayAttributes.replayCount]: text('3'),
        [replayAttributes.execution]: text(run),
        [replayAttributes.quarantinedBy]: text(run),
      }),
    ).toEqual({ originalId: 'm1', replayCount: 3, execution: run, quarantinedBy: run });
    expect(replayMarksOf({ [replayAttributes.packed]: text('{not json') })).toEqual({});
    expect(replayMarksOf(undefined)).toEqual({});
    expect(originalIdOf({ [replayAttributes.packed]: text('{not json') }, 'sqs-id')).toBe('sqs-id');
  });
});
