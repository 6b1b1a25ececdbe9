import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { maxReplayRatePerSecond } from './contract.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  dlqArn: z.string().check(z.startsWith('arn:')),
  sourceArn: z.string().check(z.startsWith('arn:')),
  ratePerSecond: z.int().check(z.gte(1), z.lte(maxReplayRatePerSecond)),
});

export type StartMoveTaskInput = z.input<typeof inputSchema>;

export interface MoveTaskStarted {
  readonly startedAt: string;
  readonly toMove: number;
  readonly checks: number;
}

/**
 * The fast path: SQS's own message move task from the DLQ back to its source at a fixed rate
 * (at most 500 messages a second). Idempotent: when a retry finds the task already running, it
 * reports that task instead of starting a second (SQS allows one per queue anyway).
 */
export const startMoveTask: StepCore<StartMoveTaskInput, MoveTaskStarted, 'sqs'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'start-move-task');
  const running = async () =>
    (
      await deps.clients.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: input.dlqArn, MaxResults: 1 }))
    ).Results?.find((t) => t.Status === 'RUNNING');
  // A retry that finds the task running made no call of its own: the first attempt's record stands.
  const started = (await running())
    ? undefined
    : await deps.clients.sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: input.dlqArn,
          DestinationArn: input.sourceArn,
          MaxNumberOfMessagesPerSecond: input.ratePerSecond,
        }),
      );
  const task = await running();
  await deps.audit.record({
    at: deps.now().toISOString(),
    executionId: input.executionId,
    runbook: 'dlq-replay',
    step: 'start-move-task',
    kind: 'replay',
    action: 'start-message-move-task',
    target: input.dlqArn,
    before: null,
    after: { destination: input.sourceArn, ratePerSecond: input.ratePerSecond },
    requestIds: started ? requestIdsOf(started) : [],
  });
  return {
    startedAt: deps.now().toISOString(),
    toMove: task?.ApproximateNumberOfMessagesToMove ?? 0,
    checks: 0,
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'start-move-task',
  module: import.meta.url,
  clients: { sqs: SQSClient },
  core: startMoveTask,
  audits: DynamoDBClient,
  permissions: [
    {
      actions: [
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:SendMessage',
      ],
      on: 'replay-queues',
    },
  ],
});

export const handler = step.handler;
