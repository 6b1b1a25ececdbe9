import {
  InvalidAttributeValue,
  type ListMessageMoveTasksCommandInput,
  ResourceNotFoundException,
  type StartMessageMoveTaskCommandInput,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';
import type { VirtualClock } from '../virtual-clock.js';
import { type QueueStore, type StoredMessage, sqsLimits } from './queue-store.js';

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

/**
 * SQS's message move tasks: from a dead-letter queue of a standard queue, one running task per
 * queue, at a fixed rate up to 500 messages a second, back to each message's origin or to a
 * destination; done once it moved the messages it counted at its start
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html).
 */
export class MoveTasks {
  private readonly tasks: MoveTask[] = [];

  constructor(
    private readonly store: QueueStore,
    private readonly clock: VirtualClock,
  ) {}

  start(input: StartMessageMoveTaskCommandInput): { TaskHandle: string } {
    const source = this.store.byArn(input.SourceArn);
    if (source.fifo)
      throw new UnsupportedOperation({
        message: 'Message move tasks support standard queues only',
        $metadata: {},
      });
    if (this.store.sourcesOf(source).length === 0) {
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
    if (input.DestinationArn) this.store.byArn(input.DestinationArn);
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

  list(input: ListMessageMoveTasksCommandInput) {
    const source = this.store.byArn(input.SourceArn);
    this.run();
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

  cancel(input: { TaskHandle?: string }): { ApproximateNumberOfMessagesMoved: number } {
    const task = this.tasks.find((t) => t.taskHandle === input.TaskHandle && t.status === 'RUNNING');
    if (!task)
      throw new ResourceNotFoundException({ message: 'The task handle is not valid', $metadata: {} });
    this.run();
    task.status = 'CANCELLED';
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  /** Moves at each running task's rate up to now. */
  run(): void {
    const now = this.clock.now().getTime();
    for (const task of this.tasks.filter((t) => t.status === 'RUNNING')) {
      const source = this.store.byArn(task.sourceArn);
      const due = Math.min(
        Math.floor(((now - task.movedUntil) / 1000) * task.rate),
        task.toMove - task.moved,
      );
      const movable = source.messages.filter((m) => m.visibleAt <= now).slice(0, Math.max(0, due));
      for (const message of movable) {
        const destination = this.store.byArn(task.destinationArn ?? message.origin);
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
}
