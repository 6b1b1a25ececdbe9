import {
  type BatchResultErrorEntry,
  type ChangeMessageVisibilityBatchCommandInput,
  type CreateQueueCommandInput,
  type DeleteMessageBatchCommandInput,
  type GetQueueAttributesCommandInput,
  InvalidAttributeValue,
  type ListMessageMoveTasksCommandInput,
  type Message,
  type MessageAttributeValue,
  ReceiptHandleIsInvalid,
  type ReceiveMessageCommandInput,
  type SendMessageBatchCommandInput,
  type SendMessageBatchResultEntry,
  type StartMessageMoveTaskCommandInput,
} from '@aws-sdk/client-sqs';
import type { AccountIdentity } from '../account-identity.js';
import type { MetricStore } from '../metric-store.js';
import type { VirtualClock } from '../virtual-clock.js';
import { checkBatchIds, checkBatchSize } from './batch-limits.js';
import {
  type CapacityConsumer,
  CapacityConsumers,
  type ConsumerCounts,
  type Served,
} from './capacity-consumer.js';
import { MoveTasks } from './move-tasks.js';
import { queueAttributes, settableAttributes } from './queue-attributes.js';
import { md5, type OutgoingMessage, QueueStore, sqsLimits } from './queue-store.js';
import { type PollingCapacity, QueueTraffic, type SimulatedConsumer } from './queue-traffic.js';
import { SqsFaultInjector, type SqsFaults } from './sqs-faults.js';
import { changeVisibility, invalidHandle } from './visibility.js';

export { sqsLimits } from './queue-store.js';
export type { SimulatedConsumer } from './queue-traffic.js';
export type { SqsFaults } from './sqs-faults.js';

/**
 * SQS as a replay depends on it, behind its API: queues and messages (`QueueStore`), batch limits
 * (10 entries, 1 MiB), message move tasks, producers and consumers that run with virtual time,
 * and injected throttling, server errors, failed batch entries, crashes and per-call latency.
 */
export class SimulatedSqs {
  private readonly store: QueueStore;
  private readonly faults: SqsFaultInjector;
  private readonly moveTasks: MoveTasks;
  private readonly traffic: QueueTraffic;
  private readonly capacityConsumers: CapacityConsumers;
  /**
   * Real milliseconds every API answer waits, for benchmarks: work done in parallel then overlaps
   * as it does against SQS. (Injected `latencyMs` advances the virtual clock instead.)
   */
  wallLatencyMs = 0;

  constructor(
    private readonly identity: AccountIdentity,
    private readonly clock: VirtualClock,
    metrics: MetricStore,
    capacityOf: (queueArn: string) => PollingCapacity | undefined,
    /** Publishes what a capacity consumer's function did. */
    publish: (functionName: string, served: Served, at: Date) => void,
  ) {
    this.store = new QueueStore(clock);
    this.faults = new SqsFaultInjector(clock);
    this.moveTasks = new MoveTasks(this.store, clock);
    this.traffic = new QueueTraffic(this.store, metrics, capacityOf);
    this.capacityConsumers = new CapacityConsumers(this.store, clock, publish);
  }

  /** A consumer served continuously at its capacity (see CapacityConsumer); its counts, live. */
  attachCapacityConsumer(queueUrl: string, consumer: CapacityConsumer): ConsumerCounts {
    return this.capacityConsumers.attach(queueUrl, consumer);
  }

  /** Every queue's URL, in the order they were created. */
  queueUrls(): string[] {
    return this.store.all().map((queue) => queue.url);
  }

  /** Every API call, by operation: what the replay costs. */
  get calls(): Map<string, number> {
    return this.faults.calls;
  }

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
    this.faults.inject(faults, seed);
  }

  attachConsumer(queueUrl: string, consumer: SimulatedConsumer): void {
    this.traffic.attachConsumer(queueUrl, consumer);
  }

  detachConsumer(queueUrl: string): void {
    this.traffic.detachConsumer(queueUrl);
  }

  /** Sends `perMinute` new messages to a queue every virtual minute, as a steady producer does. */
  addProducer(queueUrl: string, perMinute: number, body: (n: number) => string): void {
    this.traffic.addProducer(queueUrl, perMinute, body);
  }

  createQueue(input: CreateQueueCommandInput): { QueueUrl: string } {
    return { QueueUrl: this.store.create(this.identity, input).url };
  }

  getQueueUrl(input: { QueueName?: string }): { QueueUrl: string } {
    const queue = this.store.byName(input.QueueName);
    this.faults.call('GetQueueUrl');
    return { QueueUrl: queue.url };
  }

  getQueueAttributes(input: GetQueueAttributesCommandInput): { Attributes: Record<string, string> } {
    const queue = this.store.byUrl(input.QueueUrl);
    this.faults.call('GetQueueAttributes');
    return { Attributes: queueAttributes(queue, this.store.depth(queue), input.AttributeNames ?? []) };
  }

  setQueueAttributes(input: {
    QueueUrl?: string;
    Attributes?: Record<string, string>;
  }): Record<string, never> {
    const queue = this.store.byUrl(input.QueueUrl);
    this.faults.call('SetQueueAttributes');
    const attributes = input.Attributes ?? {};
    const { visibility, redrive } = settableAttributes(attributes, queue, this.store.all());
    if (visibility !== undefined) queue.visibilityTimeout = visibility;
    if (redrive) queue.redrive = redrive;
    if (attributes.MaximumMessageSize) queue.maximumMessageSize = Number(attributes.MaximumMessageSize);
    return {};
  }

  listDeadLetterSourceQueues(input: { QueueUrl?: string }): { queueUrls: string[] } {
    const dlq = this.store.byUrl(input.QueueUrl);
    this.faults.call('ListDeadLetterSourceQueues');
    return { queueUrls: this.store.sourcesOf(dlq).map((q) => q.url) };
  }

  sendMessage(input: OutgoingMessage & { QueueUrl?: string }): { MessageId: string } {
    this.faults.call('SendMessage');
    return { MessageId: this.store.enqueue(this.store.byUrl(input.QueueUrl), input) };
  }

  sendMessageBatch(input: SendMessageBatchCommandInput): {
    Successful: SendMessageBatchResultEntry[];
    Failed: BatchResultErrorEntry[];
  } {
    const queue = this.store.byUrl(input.QueueUrl);
    const entries = input.Entries ?? [];
    checkBatchIds(entries.map((e) => e.Id ?? ''));
    checkBatchSize(entries);
    this.faults.call('SendMessageBatch');
    const Successful: SendMessageBatchResultEntry[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      if (this.faults.entryFails()) {
        Failed.push({ Id: entry.Id, Code: 'InternalError', SenderFault: false, Message: 'internal error' });
        continue;
      }
      const refused = this.store.refusal(queue, entry);
      if (refused) {
        Failed.push({ Id: entry.Id, Code: 'InvalidParameterValue', SenderFault: true, Message: refused });
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
      const messageId = this.store.enqueue(queue, entry);
      Successful.push({ Id: entry.Id, MessageId: messageId, MD5OfMessageBody: md5(entry.MessageBody ?? '') });
    }
    this.faults.crashAfterSend();
    return { Successful, Failed };
  }

  receiveMessage(input: ReceiveMessageCommandInput): { Messages?: Message[] } {
    const queue = this.store.byUrl(input.QueueUrl);
    const max = input.MaxNumberOfMessages ?? 1;
    if (max < 1 || max > sqsLimits.batchEntries) {
      throw new InvalidAttributeValue({
        message: 'MaxNumberOfMessages must be between 1 and 10',
        $metadata: {},
      });
    }
    this.faults.call('ReceiveMessage');
    const taken = this.store.take(queue, max, input.VisibilityTimeout ?? queue.visibilityTimeout);
    // An empty receive carries no Messages at all, as SQS answers it (aws-sdk-js-v3 issue 5675).
    return taken.length ? { Messages: taken.map((m) => this.store.describe(m, input)) } : {};
  }

  deleteMessage(input: { QueueUrl?: string; ReceiptHandle?: string }): Record<string, never> {
    const queue = this.store.byUrl(input.QueueUrl);
    this.faults.call('DeleteMessage');
    if (!this.store.remove(queue, input.ReceiptHandle ?? '')) {
      throw new ReceiptHandleIsInvalid({ message: 'The receipt handle is not valid', $metadata: {} });
    }
    return {};
  }

  deleteMessageBatch(input: DeleteMessageBatchCommandInput): {
    Successful: { Id: string }[];
    Failed: BatchResultErrorEntry[];
  } {
    const queue = this.store.byUrl(input.QueueUrl);
    const entries = input.Entries ?? [];
    checkBatchIds(entries.map((e) => e.Id ?? ''));
    this.faults.call('DeleteMessageBatch');
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      if (this.store.remove(queue, entry.ReceiptHandle ?? '')) Successful.push({ Id: entry.Id ?? '' });
      else Failed.push(invalidHandle(entry.Id));
    }
    return { Successful, Failed };
  }

  changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchCommandInput): {
    Successful: { Id: string }[];
    Failed: BatchResultErrorEntry[];
  } {
    const queue = this.store.byUrl(input.QueueUrl);
    const entries = input.Entries ?? [];
    checkBatchIds(entries.map((e) => e.Id ?? ''));
    this.faults.call('ChangeMessageVisibilityBatch');
    const now = this.clock.now().getTime();
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      const refusal = changeVisibility(queue, entry, now);
      if (refusal) Failed.push(refusal);
      else Successful.push({ Id: entry.Id ?? '' });
    }
    return { Successful, Failed };
  }

  startMessageMoveTask(input: StartMessageMoveTaskCommandInput): { TaskHandle: string } {
    this.store.byArn(input.SourceArn);
    this.faults.call('StartMessageMoveTask');
    return this.moveTasks.start(input);
  }

  listMessageMoveTasks(input: ListMessageMoveTasksCommandInput) {
    this.store.byArn(input.SourceArn);
    this.faults.call('ListMessageMoveTasks');
    return this.moveTasks.list(input);
  }

  cancelMessageMoveTask(input: { TaskHandle?: string }): { ApproximateNumberOfMessagesMoved: number } {
    this.faults.call('CancelMessageMoveTask');
    return this.moveTasks.cancel(input);
  }

  /** Runs move tasks up to now and, at a minute's end, producers, consumers and depth metrics. */
  tick(minuteEnded?: Date): void {
    this.moveTasks.run();
    this.capacityConsumers.run();
    if (minuteEnded) this.traffic.minute(minuteEnded);
  }

  /** Counts for reports and tests, without an API call. */
  depth(queueUrl: string): { visible: number; inFlight: number } {
    return this.store.depth(this.store.byUrl(queueUrl));
  }

  /** A queue's ARN, for setting up redrive policies and event sources. */
  arnOf(queueUrl: string): string {
    return this.store.byUrl(queueUrl).arn;
  }

  /** Every queue's URL and counts. */
  summary(): { url: string; name: string; visible: number; inFlight: number }[] {
    return this.store.all().map((q) => ({ url: q.url, name: q.name, ...this.store.depth(q) }));
  }

  /** The messages in a queue, in flight or not (what a zero-loss check counts). */
  contents(
    queueUrl: string,
  ): { messageId: string; body: string; attributes: Record<string, MessageAttributeValue> }[] {
    return this.store.byUrl(queueUrl).messages.map((m) => ({
      messageId: m.messageId,
      body: m.body,
      attributes: m.attributes,
    }));
  }
}
