import { createHash } from 'node:crypto';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  type BatchResultErrorEntry,
  type ChangeMessageVisibilityBatchCommandInput,
  type CreateQueueCommandInput,
  type DeleteMessageBatchCommandInput,
  EmptyBatchRequest,
  type GetQueueAttributesCommandInput,
  InvalidAttributeValue,
  type ListMessageMoveTasksCommandInput,
  type Message,
  type MessageAttributeValue,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  type ReceiveMessageCommandInput,
  RequestThrottled,
  ResourceNotFoundException,
  type SendMessageBatchCommandInput,
  type SendMessageBatchResultEntry,
  SQSServiceException,
  type StartMessageMoveTaskCommandInput,
  TooManyEntriesInBatchRequest,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';
import type { AccountIdentity } from './account-identity.js';
import type { MetricStore } from './metric-store.js';
import type { VirtualClock } from './virtual-clock.js';

/** SQS limits the replay depends on (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html). */
export const sqsLimits = {
  batchEntries: 10,
  /** Largest message, and largest batch (the sum of its messages). */
  payloadBytes: 262_144,
  /** FIFO queues drop a repeated deduplication id within five minutes. */
  dedupWindowMs: 5 * 60_000,
  /** StartMessageMoveTask's highest MaxNumberOfMessagesPerSecond. */
  moveTaskMaxRate: 500,
} as const;

/** Faults a game day injects into every call of the queue API. */
export interface SqsFaults {
  /** Share of calls answered with RequestThrottled. */
  readonly throttleRate?: number;
  /** Share of calls answered with a server error (HTTP 500). */
  readonly serverErrorRate?: number;
  /** Share of SendMessageBatch entries that fail on their own (the rest of the batch succeeds). */
  readonly failedEntryRate?: number;
  /** Virtual milliseconds every call takes. */
  readonly latencyMs?: number;
  /**
   * Share of successful SendMessageBatch calls after which the caller dies (a Lambda timeout or
   * crash): the messages were sent, the caller never learns it and never deletes them.
   */
  readonly crashAfterSendRate?: number;
}

/** The caller died mid-batch, as Lambda reports a timed-out invocation. */
export class SimulatedCrash extends Error {
  override readonly name = 'Sandbox.Timedout';
}

interface StoredMessage {
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

interface SimulatedQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  visibilityTimeout: number;
  redrive?: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number };
  messages: StoredMessage[];
  readonly dedup: Map<string, number>;
}

interface MoveTask {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly rate: number;
  readonly startedAt: number;
  readonly toMove: number;
  moved: number;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';
  movedUntil: number;
}

/** A queue's consumer (an event source mapping to a function), as a game day models it. */
export interface SimulatedConsumer {
  readonly functionName: string;
  /** Messages the consumer handles per virtual minute. */
  readonly perMinute: number;
  /** Whether the consumer handles a message; a failure leaves it to SQS's retries and redrive. */
  readonly handles: (message: {
    readonly messageId: string;
    readonly body: string;
    readonly attributes: Record<string, MessageAttributeValue>;
  }) => boolean;
  /** Told of each minute's outcome (to publish the function's metrics). */
  readonly onMinute?: (invocations: number, errors: number, at: Date) => void;
}

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

function messageSize(body: string, attributes: Record<string, MessageAttributeValue> | undefined): number {
  let size = byteLength(body);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += byteLength(name) + byteLength(value.DataType ?? '') + byteLength(value.StringValue ?? '');
    size += value.BinaryValue?.length ?? 0;
  }
  return size;
}

/**
 * The message operations faults are injected into: they carry a replay's traffic; queue attribute
 * and move task calls have their own, far lower, quotas.
 */
const faultedOperations = new Set([
  'DeleteMessage',
  'ReceiveMessage',
  'SendMessage',
  'SendMessageBatch',
  'DeleteMessageBatch',
  'ChangeMessageVisibilityBatch',
]);

/** A small seeded generator, so a fault schedule replays exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * SQS as a replay depends on it: visibility timeouts and receive counts, redrive to the dead-letter
 * queue once a message was received maxReceiveCount times, batch limits (10 entries, 256 KB), FIFO
 * message groups (no message of a group is delivered while another is in flight) and five-minute
 * deduplication, message move tasks at a fixed rate, and injected throttling, server errors,
 * failed batch entries and per-call latency on the virtual clock
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html).
 */
export class SimulatedSqs {
  private readonly queues = new Map<string, SimulatedQueue>();
  private readonly tasks: MoveTask[] = [];
  private readonly consumers = new Map<string, SimulatedConsumer>();
  private readonly producers: {
    queueUrl: string;
    perMinute: number;
    body: (n: number) => string;
    sent: number;
  }[] = [];
  private readonly deletedHandles = new Set<string>();
  private faults: SqsFaults = {};
  private random = seeded(1);
  private sequence = 0;
  /** Every API call, by operation: what the replay costs. */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly identity: AccountIdentity,
    private readonly clock: VirtualClock,
    private readonly metrics: MetricStore,
  ) {}

  /**
   * Real milliseconds every API answer waits, for benchmarks: work done in parallel then overlaps
   * as it does against SQS. (Injected `latencyMs` advances the virtual clock instead.)
   */
  wallLatencyMs = 0;

  /** Wraps operations so each answer waits `wallLatencyMs` of real time first. */
  withWallLatency<T extends Record<string, (input: never) => unknown>>(operations: T): T {
    return Object.fromEntries(
      Object.entries(operations).map(([name, operation]) => [
        name,
        (input: never) =>
          this.wallLatencyMs > 0
            ? new Promise((resolve) => setTimeout(resolve, this.wallLatencyMs)).then(() => operation(input))
            : operation(input),
      ]),
    ) as T;
  }

  /** Injects faults into every later call; the seed makes the schedule repeatable. */
  injectFaults(faults: SqsFaults, seed = 1): void {
    this.faults = faults;
    this.random = seeded(seed);
  }

  attachConsumer(queueUrl: string, consumer: SimulatedConsumer): void {
    this.queue(queueUrl);
    this.consumers.set(queueUrl, consumer);
  }

  /** Sends `perMinute` new messages to a queue every virtual minute, as a steady producer does. */
  addProducer(queueUrl: string, perMinute: number, body: (n: number) => string): void {
    this.queue(queueUrl);
    this.producers.push({ queueUrl, perMinute, body, sent: 0 });
  }

  detachConsumer(queueUrl: string): void {
    this.consumers.delete(queueUrl);
  }

  /** Counts a call and applies the injected latency and failures (to the message operations only). */
  private call(operation: string): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    if (!faultedOperations.has(operation)) return;
    if (this.faults.latencyMs) this.clock.set(this.clock.now().getTime() + this.faults.latencyMs);
    if (this.faults.throttleRate && this.random() < this.faults.throttleRate) {
      throw new RequestThrottled({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    }
    if (this.faults.serverErrorRate && this.random() < this.faults.serverErrorRate) {
      throw new SQSServiceException({
        name: 'InternalError',
        $fault: 'server',
        message: 'We encountered an internal error. Please try again.',
        $metadata: { httpStatusCode: 500 },
      });
    }
  }

  createQueue(input: CreateQueueCommandInput): { QueueUrl: string } {
    const name = input.QueueName ?? '';
    const attributes = input.Attributes ?? {};
    const fifo = attributes.FifoQueue === 'true';
    if (fifo !== name.endsWith('.fifo'))
      throw new InvalidAttributeValue({ message: 'FIFO queue names end with .fifo', $metadata: {} });
    const url = `https://sqs.${this.identity.region}.amazonaws.com/${this.identity.accountId}/${name}`;
    const redrive = attributes.RedrivePolicy ? JSON.parse(attributes.RedrivePolicy) : undefined;
    this.queues.set(url, {
      name,
      url,
      arn: `arn:aws:sqs:${this.identity.region}:${this.identity.accountId}:${name}`,
      fifo,
      contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
      visibilityTimeout: Number(attributes.VisibilityTimeout ?? 30),
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
    });
    return { QueueUrl: url };
  }

  getQueueUrl(input: { QueueName?: string }): { QueueUrl: string } {
    const found = [...this.queues.values()].find((q) => q.name === input.QueueName);
    if (!found)
      throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });
    this.call('GetQueueUrl');
    return { QueueUrl: found.url };
  }

  getQueueAttributes(input: GetQueueAttributesCommandInput): { Attributes: Record<string, string> } {
    const queue = this.queue(input.QueueUrl);
    this.call('GetQueueAttributes');
    const now = this.clock.now().getTime();
    const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
    return {
      Attributes: {
        QueueArn: queue.arn,
        ApproximateNumberOfMessages: String(visible),
        ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible),
        VisibilityTimeout: String(queue.visibilityTimeout),
        FifoQueue: String(queue.fifo),
        ...(queue.redrive
          ? {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: queue.redrive.deadLetterTargetArn,
                maxReceiveCount: queue.redrive.maxReceiveCount,
              }),
            }
          : {}),
      },
    };
  }

  setQueueAttributes(input: {
    QueueUrl?: string;
    Attributes?: Record<string, string>;
  }): Record<string, never> {
    const queue = this.queue(input.QueueUrl);
    this.call('SetQueueAttributes');
    if (input.Attributes?.VisibilityTimeout)
      queue.visibilityTimeout = Number(input.Attributes.VisibilityTimeout);
    return {};
  }

  listDeadLetterSourceQueues(input: { QueueUrl?: string }): { queueUrls: string[] } {
    const dlq = this.queue(input.QueueUrl);
    this.call('ListDeadLetterSourceQueues');
    return {
      queueUrls: [...this.queues.values()]
        .filter((q) => q.redrive?.deadLetterTargetArn === dlq.arn)
        .map((q) => q.url),
    };
  }

  sendMessage(input: {
    QueueUrl?: string;
    MessageBody?: string;
    MessageAttributes?: Record<string, MessageAttributeValue>;
    MessageGroupId?: string;
    MessageDeduplicationId?: string;
  }): { MessageId: string } {
    this.call('SendMessage');
    const queue = this.queue(input.QueueUrl);
    return { MessageId: this.enqueue(queue, input) };
  }

  sendMessageBatch(input: SendMessageBatchCommandInput): {
    Successful: SendMessageBatchResultEntry[];
    Failed: BatchResultErrorEntry[];
  } {
    const queue = this.queue(input.QueueUrl);
    const entries = input.Entries ?? [];
    this.checkBatch(entries.map((e) => e.Id ?? ''));
    const total = entries.reduce((sum, e) => sum + messageSize(e.MessageBody ?? '', e.MessageAttributes), 0);
    if (total > sqsLimits.payloadBytes) {
      throw new BatchRequestTooLong({
        message: `Batch requests cannot be longer than ${sqsLimits.payloadBytes} bytes`,
        $metadata: {},
      });
    }
    this.call('SendMessageBatch');
    const Successful: SendMessageBatchResultEntry[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      if (this.faults.failedEntryRate && this.random() < this.faults.failedEntryRate) {
        Failed.push({ Id: entry.Id, Code: 'InternalError', SenderFault: false, Message: 'internal error' });
        continue;
      }
      if (queue.fifo && !entry.MessageGroupId) {
        Failed.push({
          Id: entry.Id,
          Code: 'MissingParameter',
          SenderFault: true,
          Message: 'MessageGroupId is required',
        });
        continue;
      }
      const messageId = this.enqueue(queue, {
        MessageBody: entry.MessageBody ?? '',
        ...(entry.MessageAttributes ? { MessageAttributes: entry.MessageAttributes } : {}),
        ...(entry.MessageGroupId ? { MessageGroupId: entry.MessageGroupId } : {}),
        ...(entry.MessageDeduplicationId ? { MessageDeduplicationId: entry.MessageDeduplicationId } : {}),
      });
      Successful.push({ Id: entry.Id, MessageId: messageId, MD5OfMessageBody: md5(entry.MessageBody ?? '') });
    }
    if (this.faults.crashAfterSendRate && this.random() < this.faults.crashAfterSendRate) {
      throw new SimulatedCrash('the invocation timed out after SendMessageBatch');
    }
    return { Successful, Failed };
  }

  receiveMessage(input: ReceiveMessageCommandInput): { Messages: Message[] } {
    const queue = this.queue(input.QueueUrl);
    const max = input.MaxNumberOfMessages ?? 1;
    if (max < 1 || max > sqsLimits.batchEntries) {
      throw new InvalidAttributeValue({
        message: 'MaxNumberOfMessages must be between 1 and 10',
        $metadata: {},
      });
    }
    this.call('ReceiveMessage');
    return {
      Messages: this.take(queue, max, input.VisibilityTimeout ?? queue.visibilityTimeout).map((m) =>
        this.describe(m, input),
      ),
    };
  }

  deleteMessage(input: { QueueUrl?: string; ReceiptHandle?: string }): Record<string, never> {
    const queue = this.queue(input.QueueUrl);
    this.call('DeleteMessage');
    if (!this.remove(queue, input.ReceiptHandle ?? '')) {
      throw new ReceiptHandleIsInvalid({ message: 'The receipt handle is not valid', $metadata: {} });
    }
    return {};
  }

  deleteMessageBatch(input: DeleteMessageBatchCommandInput): {
    Successful: { Id: string }[];
    Failed: BatchResultErrorEntry[];
  } {
    const queue = this.queue(input.QueueUrl);
    const entries = input.Entries ?? [];
    this.checkBatch(entries.map((e) => e.Id ?? ''));
    this.call('DeleteMessageBatch');
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      if (this.remove(queue, entry.ReceiptHandle ?? '')) Successful.push({ Id: entry.Id ?? '' });
      else
        Failed.push({
          Id: entry.Id,
          Code: 'ReceiptHandleIsInvalid',
          SenderFault: true,
          Message: 'The receipt handle is not valid',
        });
    }
    return { Successful, Failed };
  }

  changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchCommandInput): {
    Successful: { Id: string }[];
    Failed: BatchResultErrorEntry[];
  } {
    const queue = this.queue(input.QueueUrl);
    const entries = input.Entries ?? [];
    this.checkBatch(entries.map((e) => e.Id ?? ''));
    this.call('ChangeMessageVisibilityBatch');
    const now = this.clock.now().getTime();
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      const message = queue.messages.find((m) => m.receiptHandle === entry.ReceiptHandle);
      if (!message) {
        Failed.push({
          Id: entry.Id,
          Code: 'ReceiptHandleIsInvalid',
          SenderFault: true,
          Message: 'The receipt handle is not valid',
        });
        continue;
      }
      message.visibleAt = now + (entry.VisibilityTimeout ?? 0) * 1000;
      Successful.push({ Id: entry.Id ?? '' });
    }
    return { Successful, Failed };
  }

  startMessageMoveTask(input: StartMessageMoveTaskCommandInput): { TaskHandle: string } {
    const source = this.queueByArn(input.SourceArn);
    this.call('StartMessageMoveTask');
    if (source.fifo)
      throw new UnsupportedOperation({
        message: 'Message move tasks support standard queues only',
        $metadata: {},
      });
    if (!this.isDeadLetterQueue(source)) {
      throw new UnsupportedOperation({
        message: 'The source queue is not a dead-letter queue of an SQS queue',
        $metadata: {},
      });
    }
    if (this.tasks.some((t) => t.sourceArn === source.arn && t.status === 'RUNNING')) {
      throw new UnsupportedOperation({
        message: 'Only one active message movement task is supported per queue',
        $metadata: {},
      });
    }
    const rate = input.MaxNumberOfMessagesPerSecond ?? sqsLimits.moveTaskMaxRate;
    if (rate < 1 || rate > sqsLimits.moveTaskMaxRate) {
      throw new InvalidAttributeValue({
        message: 'MaxNumberOfMessagesPerSecond must be between 1 and 500',
        $metadata: {},
      });
    }
    if (input.DestinationArn) this.queueByArn(input.DestinationArn);
    const now = this.clock.now().getTime();
    const task: MoveTask = {
      taskHandle: Buffer.from(`${source.arn}|${now}|${this.tasks.length}`).toString('base64'),
      sourceArn: source.arn,
      ...(input.DestinationArn ? { destinationArn: input.DestinationArn } : {}),
      rate,
      startedAt: now,
      toMove: source.messages.length,
      moved: 0,
      status: 'RUNNING',
      movedUntil: now,
    };
    this.tasks.push(task);
    return { TaskHandle: task.taskHandle };
  }

  listMessageMoveTasks(input: ListMessageMoveTasksCommandInput) {
    const source = this.queueByArn(input.SourceArn);
    this.call('ListMessageMoveTasks');
    this.runMoveTasks();
    const tasks = this.tasks
      .filter((t) => t.sourceArn === source.arn)
      .reverse()
      .slice(0, input.MaxResults ?? 1);
    return {
      Results: tasks.map((t) => ({
        TaskHandle: t.status === 'RUNNING' ? t.taskHandle : undefined,
        Status: t.status,
        SourceArn: t.sourceArn,
        DestinationArn: t.destinationArn,
        MaxNumberOfMessagesPerSecond: t.rate,
        ApproximateNumberOfMessagesMoved: t.moved,
        ApproximateNumberOfMessagesToMove: t.toMove,
        StartedTimestamp: t.startedAt,
      })),
    };
  }

  cancelMessageMoveTask(input: { TaskHandle?: string }): { ApproximateNumberOfMessagesMoved: number } {
    const task = this.tasks.find((t) => t.taskHandle === input.TaskHandle && t.status === 'RUNNING');
    if (!task)
      throw new ResourceNotFoundException({ message: 'The task handle is not valid', $metadata: {} });
    this.call('CancelMessageMoveTask');
    this.runMoveTasks();
    task.status = 'CANCELLED';
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  /** Runs move tasks and consumers up to now; the account calls it as virtual time passes. */
  tick(minuteEnded?: Date): void {
    this.runMoveTasks();
    if (!minuteEnded) return;
    for (const producer of this.producers) {
      const queue = this.queue(producer.queueUrl);
      for (let i = 0; i < producer.perMinute; i += 1) {
        producer.sent += 1;
        this.enqueue(queue, {
          MessageBody: producer.body(producer.sent),
          ...(queue.fifo
            ? {
                MessageGroupId: `producer-${producer.sent % 10}`,
                MessageDeduplicationId: `produced-${producer.sent}`,
              }
            : {}),
        });
      }
    }
    for (const [url, consumer] of this.consumers) this.consume(this.queue(url), consumer, minuteEnded);
    // SQS publishes queue depth to CloudWatch every minute.
    const minuteStart = new Date(minuteEnded.getTime() - 60_000);
    for (const queue of this.queues.values()) {
      const { visible } = this.depth(queue.url);
      this.metrics.record(
        {
          namespace: 'AWS/SQS',
          name: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: queue.name },
        },
        minuteStart,
        { sum: visible, count: 1, min: visible, max: visible },
      );
    }
  }

  /** Counts for reports and tests, without an API call. */
  depth(queueUrl: string): { visible: number; inFlight: number } {
    const queue = this.queue(queueUrl);
    const now = this.clock.now().getTime();
    const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
    return { visible, inFlight: queue.messages.length - visible };
  }

  /** Every queue's URL and counts. */
  summary(): { url: string; name: string; visible: number; inFlight: number }[] {
    return [...this.queues.values()].map((q) => ({ url: q.url, name: q.name, ...this.depth(q.url) }));
  }

  /** The messages in a queue, in flight or not (what a zero-loss check counts). */
  contents(
    queueUrl: string,
  ): { messageId: string; body: string; attributes: Record<string, MessageAttributeValue> }[] {
    return this.queue(queueUrl).messages.map((m) => ({
      messageId: m.messageId,
      body: m.body,
      attributes: m.attributes,
    }));
  }

  private consume(queue: SimulatedQueue, consumer: SimulatedConsumer, at: Date): void {
    let invocations = 0;
    let errors = 0;
    for (const message of this.take(queue, consumer.perMinute, queue.visibilityTimeout)) {
      invocations += 1;
      if (
        consumer.handles({ messageId: message.messageId, body: message.body, attributes: message.attributes })
      ) {
        this.remove(queue, message.receiptHandle ?? '');
      } else {
        errors += 1;
        // A failed batch item returns to the queue once its visibility timeout passes.
      }
    }
    consumer.onMinute?.(invocations, errors, at);
  }

  /** Moves at the task's rate until it moved the messages it counted at its start, then completes. */
  private runMoveTasks(): void {
    const now = this.clock.now().getTime();
    for (const task of this.tasks.filter((t) => t.status === 'RUNNING')) {
      const source = this.queueByArn(task.sourceArn);
      const due = Math.min(
        Math.floor(((now - task.movedUntil) / 1000) * task.rate),
        task.toMove - task.moved,
      );
      const movable = source.messages.filter((m) => m.visibleAt <= now).slice(0, Math.max(0, due));
      for (const message of movable) {
        const destination = this.queueByArn(task.destinationArn ?? message.origin);
        source.messages.splice(source.messages.indexOf(message), 1);
        const moved: StoredMessage = { ...message, receiveCount: 0, visibleAt: now };
        delete moved.receiptHandle;
        destination.messages.push(moved);
      }
      task.moved += movable.length;
      task.movedUntil = movable.length < due ? now : task.movedUntil + (movable.length / task.rate) * 1000;
      if (task.moved >= task.toMove || !source.messages.length) task.status = 'COMPLETED';
    }
  }

  private enqueue(
    queue: SimulatedQueue,
    input: {
      MessageBody?: string;
      MessageAttributes?: Record<string, MessageAttributeValue>;
      MessageGroupId?: string;
      MessageDeduplicationId?: string;
    },
  ): string {
    const body = input.MessageBody ?? '';
    if (messageSize(body, input.MessageAttributes) > sqsLimits.payloadBytes) {
      throw new InvalidAttributeValue({
        message: 'Message must be shorter than 262144 bytes',
        $metadata: {},
      });
    }
    const now = this.clock.now().getTime();
    this.sequence += 1;
    const messageId = `${md5(`${queue.arn}|${this.sequence}`).slice(0, 8)}-${this.sequence}`;
    if (queue.fifo) {
      const dedupId =
        input.MessageDeduplicationId ?? (queue.contentBasedDeduplication ? md5(body) : undefined);
      if (!dedupId)
        throw new InvalidAttributeValue({ message: 'MessageDeduplicationId is required', $metadata: {} });
      const seenUntil = queue.dedup.get(dedupId);
      // A repeated deduplication id within the window is accepted and not delivered again.
      if (seenUntil !== undefined && seenUntil > now) return messageId;
      queue.dedup.set(dedupId, now + sqsLimits.dedupWindowMs);
      queue.messages.push({
        messageId,
        body,
        attributes: input.MessageAttributes ?? {},
        sentAt: now,
        groupId: input.MessageGroupId ?? '',
        dedupId,
        sequenceNumber: String(this.sequence).padStart(20, '0'),
        origin: queue.arn,
        receiveCount: 0,
        visibleAt: now,
      });
      return messageId;
    }
    queue.messages.push({
      messageId,
      body,
      attributes: input.MessageAttributes ?? {},
      sentAt: now,
      origin: queue.arn,
      receiveCount: 0,
      visibleAt: now,
    });
    return messageId;
  }

  /** Receives up to `max` visible messages, redriving those received maxReceiveCount times already. */
  private take(queue: SimulatedQueue, max: number, visibilitySeconds: number): StoredMessage[] {
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
      const dlq = this.queueByArn(queue.redrive.deadLetterTargetArn);
      const moving = new Set(redriven);
      queue.messages = queue.messages.filter((m) => !moving.has(m));
      for (const message of redriven) {
        delete message.receiptHandle;
        dlq.messages.push(message);
      }
    }
    return taken;
  }

  private remove(queue: SimulatedQueue, receiptHandle: string): boolean {
    const index = queue.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index < 0) return this.deletedHandles.has(receiptHandle);
    queue.messages.splice(index, 1);
    this.deletedHandles.add(receiptHandle);
    return true;
  }

  private describe(message: StoredMessage, input: ReceiveMessageCommandInput): Message {
    const wanted = input.MessageAttributeNames ?? [];
    const attributes = Object.fromEntries(
      Object.entries(message.attributes).filter(
        ([name]) => wanted.includes('All') || wanted.includes('.*') || wanted.includes(name),
      ),
    );
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle ?? '',
      Body: message.body,
      MD5OfBody: md5(message.body),
      Attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
        ...(message.groupId !== undefined ? { MessageGroupId: message.groupId } : {}),
        ...(message.dedupId !== undefined ? { MessageDeduplicationId: message.dedupId } : {}),
        ...(message.sequenceNumber !== undefined ? { SequenceNumber: message.sequenceNumber } : {}),
      },
      ...(Object.keys(attributes).length ? { MessageAttributes: attributes } : {}),
    };
  }

  private checkBatch(ids: string[]): void {
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

  private isDeadLetterQueue(queue: SimulatedQueue): boolean {
    return [...this.queues.values()].some((q) => q.redrive?.deadLetterTargetArn === queue.arn);
  }

  private queue(url: string | undefined): SimulatedQueue {
    const queue = url === undefined ? undefined : this.queues.get(url);
    if (!queue)
      throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });
    return queue;
  }

  private queueByArn(arn: string | undefined): SimulatedQueue {
    const queue = [...this.queues.values()].find((q) => q.arn === arn);
    if (!queue)
      throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });
    return queue;
  }
}
