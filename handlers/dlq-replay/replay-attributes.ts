import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/**
 * Message attributes a replay adds, so consumers can deduplicate and people can trace a message.
 * SQS allows ten message attributes per message and rejects more: a replay adds its marks as
 * separate attributes when there is room, packed into one JSON attribute when there is room for one
 * only, and none when a message already carries ten.
 */
export const replayAttributes = {
  /** The message id the message had when it first failed; stays the same across replays. */
  originalId: 'runbook-original-message-id',
  /** How often the message was replayed. */
  replayCount: 'runbook-replay-count',
  /** The execution that replayed it last: a message carrying ours came back during this run. */
  execution: 'runbook-replay-execution',
  /** The execution that put it in quarantine. */
  quarantinedBy: 'runbook-quarantined-by',
  /** Why it is in quarantine. */
  quarantineReason: 'runbook-quarantine-reason',
  /** All of the above in one JSON attribute, for messages with room for one attribute only. */
  packed: 'runbook-replay',
} as const;

/** SQS's limit on message attributes per message. */
export const maxMessageAttributes = 10;

/** What a replay records on a message. */
export interface ReplayMarks {
  readonly originalId?: string;
  readonly replayCount?: number;
  readonly execution?: string;
  readonly quarantinedBy?: string;
  readonly quarantineReason?: string;
}

type Attributes = Readonly<Record<string, MessageAttributeValue>>;

const ours = new Set<string>(Object.values(replayAttributes));

/** The message's own attributes: everything a replay did not add. */
export function foreignAttributes(attributes: Attributes | undefined): Record<string, MessageAttributeValue> {
  return Object.fromEntries(Object.entries(attributes ?? {}).filter(([name]) => !ours.has(name)));
}

/** The marks earlier replays left, in either form. */
export function replayMarksOf(attributes: Attributes | undefined): ReplayMarks {
  const a = attributes ?? {};
  const packed = a[replayAttributes.packed]?.StringValue;
  if (packed) {
    try {
      return JSON.parse(packed) as ReplayMarks;
    } catch {
      // Garbled: read the separate marks, if any.
    }
  }
  const count = a[replayAttributes.replayCount]?.StringValue;
  const text = (name: string) => a[name]?.StringValue;
  return {
    ...(text(replayAttributes.originalId) ? { originalId: text(replayAttributes.originalId) } : {}),
    ...(count ? { replayCount: Number(count) } : {}),
    ...(text(replayAttributes.execution) ? { execution: text(replayAttributes.execution) } : {}),
    ...(text(replayAttributes.quarantinedBy) ? { quarantinedBy: text(replayAttributes.quarantinedBy) } : {}),
  };
}

/** The id a message had when it first failed. */
export function originalIdOf(attributes: Attributes | undefined, messageId: string): string {
  return replayMarksOf(attributes).originalId ?? messageId;
}

const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value,
});

/**
 * The message's own attributes with the replay's marks added within SQS's limit of ten; undefined
 * when the message already carries ten of its own and there is no room for any.
 */
export function withReplayMarks(
  attributes: Attributes | undefined,
  marks: ReplayMarks,
): Record<string, MessageAttributeValue> | undefined {
  const own = foreignAttributes(attributes);
  const room = maxMessageAttributes - Object.keys(own).length;
  const separate: Record<string, MessageAttributeValue> = {};
  if (marks.originalId !== undefined)
    separate[replayAttributes.originalId] = stringAttribute(marks.originalId);
  if (marks.replayCount !== undefined)
    separate[replayAttributes.replayCount] = stringAttribute(String(marks.replayCount));
  if (marks.execution !== undefined) separate[replayAttributes.execution] = stringAttribute(marks.execution);
  if (marks.quarantinedBy !== undefined)
    separate[replayAttributes.quarantinedBy] = stringAttribute(marks.quarantinedBy);
  if (marks.quarantineReason !== undefined)
    separate[replayAttributes.quarantineReason] = stringAttribute(marks.quarantineReason.slice(0, 256));
  if (Object.keys(separate).length <= room) return { ...own, ...separate };
  if (room >= 1) return { ...own, [replayAttributes.packed]: stringAttribute(JSON.stringify(marks)) };
  return undefined;
}
