import { createHash } from 'node:crypto';
import {
  type CreateQueueCommandInput,
  InvalidAttributeValue,
  type Message,
  type MessageAttributeValue,
  QueueDoesNotExist,
  type ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import type { AccountIdentity } from '../account-identity.js';
import type { VirtualClock } from '../virtual-clock.js';

/** SQS limits the replay depends on (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html). */
export const sqsLimits = {
  batchEntries: 10,
  /**
   * Largest message, and largest batch (the sum of its messages): 1 MiB since SQS raised it from
   * 256 KB; a queue's MaximumMessageSize may set a lower limit for its messages.
   */
  payloadBytes: 1_048_576,
  /** Message attributes per message. */
  messageAttributes: 10,
  /** A message's visibility timeout, counted from its receive, is at most 12 hours. */
  maxVisibilitySeconds: 43_200,
  /** FIFO queues drop a repeated deduplication id within five minutes. */
  dedupWindowMs: 5 * 60_000,
  /** StartMessageMoveTask's highest MaxNumberOfMessagesPerSecond. */
  moveTaskMaxRate: 500,
} as const;

export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  readonly sentAt: number;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sequenceNumber?: string;
  /** The queue it was first sent to, where a move task returns it by default. */
  readonly origin: string;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  receiptHandle?: string;
}

export interface SimulatedQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  visibilityTimeout: number;
  /** The largest message the queue accepts (MaximumMessageSize). */
  maximumMessageSize: number;
  redrive?: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number };
  messages: StoredMessage[];
  readonly dedup: Map<string, number>;
}

/** What a send gives a message. */
export interface OutgoingMessage {
  readonly MessageBody?: string;
  readonly MessageAttributes?: Record<string, MessageAttributeValue>;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** The bytes SQS counts for a message: its body and every attribute's name, type and value. */
export function messageSize(
  body: string,
  attributes: Record<string, MessageAttributeValue> | undefined,
): number {
  let size = byteLength(body);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += byteLength(name) + byteLength(value.DataType ?? '') + byteLength(value.StringValue ?? '');
    size += value.BinaryValue?.length ?? 0;
  }
  return size;
}

export const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const noSuchQueue = () =>
  new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });

/**
 * The queues and their messages: visibility timeouts and receive counts, redrive to the dead-letter
 * queue once a message was received maxReceiveCount times, FIFO message groups (no message of a
 * group is delivered while another is in flight) and five-minute deduplication
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
 */
export class QueueStore {
  private readonly queues = new Map<string, SimulatedQueue>();
  private readonly deletedHandles = new Set<string>();
  private sequence = 0;

  constructor(private readonly clock: VirtualClock) {}

  /** A new queue; a FIFO queue's name ends with `.fifo`. */
  create(identity: AccountIdentity, input: CreateQueueCommandInput): SimulatedQueue {
    const name = input.QueueName ?? '';
    const attributes = input.Attributes ?? {};
    const fifo = attributes.FifoQueue === 'true';
    if (fifo !== name.endsWith('.fifo'))
      throw new InvalidAttributeValue({ message: 'FIFO queue names end with .fifo', $metadata: {} });
    const redrive = attributes.RedrivePolicy ? JSON.parse(attributes.RedrivePolicy) : undefined;
    const queue: SimulatedQueue = {
      name,
      url: `https://sqs.${identity.region}.amazonaws.com/${identity.accountId}/${name}`,
      arn: `arn:aws:sqs:${identity.region}:${identity.accountId}:${name}`,
      fifo,
      contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
      visibilityTimeout: Number(attributes.VisibilityTimeout ?? 30),
      maximumMessageSize: Number(attributes.MaximumMessageSize ?? sqsLimits.payloadBytes),
      ...(redrive
        ? {
            redrive: {
              deadLetterTargetArn: redrive.deadLetterTargetArn,
              maxReceiveCount: Number(redrive.maxReceiveCount),
            },
          }
        : {}),
      messages: [],
      dedup: new Map(),
    };
    this.queues.set(queue.url, queue);
    return queue;
  }

  all(): SimulatedQueue[] {
    return [...this.queues.values()];
  }

  byUrl(url: string | undefined): SimulatedQueue {
    const queue = url === undefined ? undefined : this.queues.get(url);
    if (!queue) throw noSuchQueue();
    return queue;
  }

  byArn(arn: string | undefined): SimulatedQueue {
    const queue = this.all().find((q) => q.arn === arn);
    if (!queue) throw noSuchQueue();
    return queue;
  }

  byName(name: string | undefined): SimulatedQueue {
    const queue = this.all().find((q) => q.name === name);
    if (!queue) throw noSuchQueue();
    return queue;
  }

  /** Queues whose redrive policy names this one. */
  sourcesOf(dlq: SimulatedQueue): SimulatedQueue[] {
    return this.all().filter((q) => q.redrive?.deadLetterTargetArn === dlq.arn);
  }

  /** Why SQS refuses a message for this queue (a sender fault), or undefined when it takes it. */
  refusal(queue: SimulatedQueue, input: OutgoingMessage): string | undefined {
    const attributes = Object.keys(input.MessageAttributes ?? {}).length;
    if (attributes > sqsLimits.messageAttributes)
      return `Number of message attributes [${attributes}] exceeds the allowed maximum [${sqsLimits.messageAttributes}].`;
    if (messageSize(input.MessageBody ?? '', input.MessageAttributes) > queue.maximumMessageSize)
      return `One or more parameters are invalid. Reason: Message must be shorter than ${queue.maximumMessageSize} bytes.`;
    return undefined;
  }

  /** Visible and in-flight counts, without an API call. */
  depth(queue: SimulatedQueue): { visible: number; inFlight: number } {
    const now = this.clock.now().getTime();
    const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
    return { visible, inFlight: queue.messages.length - visible };
  }

  /** Stores a message; on a FIFO queue, a deduplication id seen within five minutes is accepted and dropped. */
  enqueue(queue: SimulatedQueue, input: OutgoingMessage): string {
    const body = input.MessageBody ?? '';
    const refused = this.refusal(queue, input);
    if (refused) throw new InvalidAttributeValue({ message: refused, $metadata: {} });
    const now = this.clock.now().getTime();
    this.sequence += 1;
    const messageId = `${md5(`${queue.arn}|${this.sequence}`).slice(0, 8)}-${this.sequence}`;
    const common = {
      messageId,
      body,
      attributes: input.MessageAttributes ?? {},
      sentAt: now,
      origin: queue.arn,
      receiveCount: 0,
      visibleAt: now,
    };
    if (!queue.fifo) {
      queue.messages.push(common);
      return messageId;
    }
    const dedupId = input.MessageDeduplicationId ?? (queue.contentBasedDeduplication ? md5(body) : undefined);
    if (!dedupId)
      throw new InvalidAttributeValue({ message: 'MessageDeduplicationId is required', $metadata: {} });
    const seenUntil = queue.dedup.get(dedupId);
    if (seenUntil !== undefined && seenUntil > now) return messageId;
    queue.dedup.set(dedupId, now + sqsLimits.dedupWindowMs);
    queue.messages.push({
      ...common,
      groupId: input.MessageGroupId ?? '',
      dedupId,
      sequenceNumber: String(this.sequence).padStart(20, '0'),
    });
    return messageId;
  }

  /** Receives up to `max` visible messages, redriving those received maxReceiveCount times already. */
  take(queue: SimulatedQueue, max: number, visibilitySeconds: number): StoredMessage[] {
    const now = this.clock.now().getTime();
    // FIFO: no message of a group is delivered while an earlier one of it is in flight.
    const busyGroups = queue.fifo
      ? new Set(queue.messages.filter((m) => m.visibleAt > now).map((m) => m.groupId))
      : undefined;
    const taken: StoredMessage[] = [];
    const redriven: StoredMessage[] = [];
    for (const message of queue.messages) {
      if (taken.length >= max) break;
      if (message.visibleAt > now || busyGroups?.has(message.groupId)) continue;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        redriven.push(message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.receiptHandle = `${message.messageId}#${message.receiveCount}#${now}`;
      taken.push(message);
    }
    if (queue.redrive && redriven.length) {
      const dlq = this.byArn(queue.redrive.deadLetterTargetArn);
      const moving = new Set(redriven);
      queue.messages = queue.messages.filter((m) => !moving.has(m));
      for (const message of redriven) {
        delete message.receiptHandle;
        dlq.messages.push(message);
      }
    }
    return taken;
  }

  /** Deletes the message a receipt handle names; a handle already used to delete still succeeds, as in SQS. */
  remove(queue: SimulatedQueue, receiptHandle: string): boolean {
    const index = queue.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index < 0) return this.deletedHandles.has(receiptHandle);
    queue.messages.splice(index, 1);
    this.deletedHandles.add(receiptHandle);
    return true;
  }

  /**
   * A stored message as ReceiveMessage returns it: only the message attributes and the system
   * attributes asked for (`MessageSystemAttributeNames`, or the older `AttributeNames`; `All` for
   * every one), as the SQS API reference describes ReceiveMessage.
   */
  describe(message: StoredMessage, input: ReceiveMessageCommandInput): Message {
    const wanted = input.MessageAttributeNames ?? [];
    const attributes = Object.fromEntries(
      Object.entries(message.attributes).filter(
        ([name]) => wanted.includes('All') || wanted.includes('.*') || wanted.includes(name),
      ),
    );
    const system = Object.entries({
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.dedupId,
      SequenceNumber: message.sequenceNumber,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const asked: string[] = [...(input.MessageSystemAttributeNames ?? []), ...(input.AttributeNames ?? [])];
    const returned = system.filter(([name]) => asked.includes('All') || asked.includes(name));
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle ?? '',
      Body: message.body,
      MD5OfBody: md5(message.body),
      ...(returned.length ? { Attributes: Object.fromEntries(returned) } : {}),
      ...(Object.keys(attributes).length ? { MessageAttributes: attributes } : {}),
    };
  }
}
