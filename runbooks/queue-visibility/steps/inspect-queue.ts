import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  paginateListEventSourceMappings,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { defineStep } from '../../../handlers/lib/define-step.js';
import { TargetNotResolvedError } from '../../../handlers/lib/errors.js';
import { parseInput } from '../../../handlers/lib/parse-input.js';
import type { StepCore } from '../../../handlers/lib/step-deps.js';
import { parseTarget } from '../../../handlers/lib/targets.js';
import type { Consumer, QueueEvidence } from '../contract.js';
import { queueVisibilityInputSchema } from '../input.js';
import { settingNames, settingsOf } from '../settings.js';

const inputSchema = z.object({ executionInput: queueVisibilityInputSchema });

export type InspectQueueInput = z.input<typeof inputSchema>;

/** The queue the execution is about: as the dispatcher locked it, else as the person named it. */
function queueNameOf(input: z.infer<typeof inputSchema>['executionInput']): string {
  const key = input.dispatch?.target ?? input.manualStart.target;
  const target = parseTarget(key);
  if (target.kind !== 'queue') throw new TargetNotResolvedError(`${key} is not an SQS queue`);
  return target.queueName;
}

/**
 * Reads the queue's visibility timeout and redrive policy, the event source mappings that read it,
 * and each mapped function's timeout. Disabled mappings are left out (they receive nothing).
 * Changes nothing.
 */
export const inspectQueue: StepCore<InspectQueueInput, QueueEvidence, 'sqs' | 'lambda'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'inspect-queue');
  const name = queueNameOf(input.executionInput);
  const { QueueUrl: url = '' } = await deps.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes: attributes = {} } = await deps.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', ...settingNames],
    }),
  );
  const arn = attributes.QueueArn ?? '';
  const consumers: Consumer[] = [];
  for await (const page of paginateListEventSourceMappings(
    { client: deps.clients.lambda },
    { EventSourceArn: arn },
  )) {
    for (const mapping of page.EventSourceMappings ?? []) {
      // Enabling, Updating and Creating mappings are about to read the queue too.
      if (mapping.State === 'Disabled' || mapping.State === 'Disabling') continue;
      const fn = await deps.clients.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: mapping.FunctionArn }),
      );
      consumers.push({
        functionName: fn.FunctionName ?? mapping.FunctionArn ?? '',
        timeoutSeconds: fn.Timeout ?? 3,
        batchingWindowSeconds: mapping.MaximumBatchingWindowInSeconds ?? 0,
        mappingUuid: mapping.UUID ?? '',
      });
    }
  }
  return {
    queue: { name, url, arn },
    settings: settingsOf(attributes),
    consumers,
    inspectedAt: deps.now().toISOString(),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'inspect-queue',
  module: import.meta.url,
  clients: { sqs: SQSClient, lambda: LambdaClient },
  core: inspectQueue,
  permissions: [
    { actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'], on: 'replay-queues' },
    { actions: ['lambda:ListEventSourceMappings'], on: 'any' },
    // A consumer must be among the functions runbooks may act on; the queue, among the configured ones.
    { actions: ['lambda:GetFunctionConfiguration'], on: 'target-functions' },
  ],
});

export const handler = step.handler;
