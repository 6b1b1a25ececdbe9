import { ListMessageMoveTasksCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonNegativeInt } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  dlqArn: z.string().check(z.startsWith('arn:')),
  checks: nonNegativeInt(),
});

export type CheckMoveTaskInput = z.input<typeof inputSchema>;

export interface MoveTaskProgress {
  readonly status: string;
  readonly moved: number;
  readonly toMove: number;
  readonly done: boolean;
  readonly checks: number;
  readonly failureReason?: string;
}

/** How the DLQ's newest move task is doing (ListMessageMoveTasks); done once it is no longer running. */
export const checkMoveTask: StepCore<CheckMoveTaskInput, MoveTaskProgress, 'sqs'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'check-move-task');
  const listed = await deps.clients.sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: input.dlqArn, MaxResults: 1 }),
  );
  const task = listed.Results?.[0];
  const status = task?.Status ?? 'UNKNOWN';
  return {
    status,
    moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
    toMove: task?.ApproximateNumberOfMessagesToMove ?? 0,
    done: status !== 'RUNNING' && status !== 'CANCELLING',
    checks: input.checks + 1,
    ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'check-move-task',
  module: import.meta.url,
  clients: { sqs: SQSClient },
  core: checkMoveTask,
  permissions: [{ actions: ['sqs:ListMessageMoveTasks'], on: 'replay-queues' }],
});

export const handler = step.handler;
