import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { foundMade } from '../../../handlers/lib/audit-trail.js';
import { defineStep } from '../../../handlers/lib/define-step.js';
import { ConfigurationChangedError, InvalidInputError } from '../../../handlers/lib/errors.js';
import { parseInput } from '../../../handlers/lib/parse-input.js';
import { requestIdsOf } from '../../../handlers/lib/request-ids.js';
import { nonEmptyString } from '../../../handlers/lib/schemas.js';
import type { StepCore } from '../../../handlers/lib/step-deps.js';
import type { QueueSettings } from '../contract.js';
import { readSettings, sameSettings } from '../settings.js';

const settingsSchema = z.object({
  VisibilityTimeout: z.string().check(z.regex(/^\d+$/)),
  RedrivePolicy: z.optional(nonEmptyString()),
});

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  queueUrl: z.url(),
  /** What the queue must hold now; anything else means someone else changed it. */
  from: settingsSchema,
  to: settingsSchema,
});

export type SetQueueSettingsInput = z.input<typeof inputSchema>;

export interface SetQueueSettingsResult {
  readonly changed: boolean;
  readonly before: QueueSettings;
  readonly after: QueueSettings;
}

/**
 * Sets the queue's visibility timeout and redrive policy from `from` to `to`; the runbook's
 * rollback is the same step the other way round, so what it puts back is exactly what it read.
 * Idempotent without a record: a retry that finds `to` already there changes nothing (and records
 * the change its earlier attempt made, unless `from` was `to` already). Refuses
 * (ConfigurationChangedError) when the queue holds neither, so a person's change in between is
 * never overwritten. (SQS has no conditional update: a change in the instant between the read and
 * the write is the one case this cannot see.)
 */
export const setQueueSettings: StepCore<SetQueueSettingsInput, SetQueueSettingsResult, 'sqs'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'set-queue-settings');
  // SetQueueAttributes leaves out what it is not given: a policy to drop would need its own call.
  if ((input.from.RedrivePolicy === undefined) !== (input.to.RedrivePolicy === undefined))
    throw new InvalidInputError('from and to must both have a redrive policy, or neither');
  const record = (action: string, before: QueueSettings, requestIds: readonly string[]) =>
    deps.audit.record({
      at: deps.now().toISOString(),
      executionId: input.executionId,
      runbook: input.runbook,
      step: 'set-queue-settings',
      kind: 'queue-settings',
      action,
      target: input.queueUrl,
      before,
      after: input.to,
      requestIds,
    });
  const current = await readSettings(deps.clients.sqs, input.queueUrl);
  if (sameSettings(current, input.to)) {
    if (sameSettings(input.from, input.to)) return { changed: false, before: current, after: current };
    await record(foundMade('sqs:SetQueueAttributes'), input.from, []);
    return { changed: true, before: input.from, after: current };
  }
  if (!sameSettings(current, input.from)) {
    throw new ConfigurationChangedError(
      `${input.queueUrl} changed since it was inspected (visibility timeout ${current.VisibilityTimeout} s, redrive ${
        current.RedrivePolicy ?? 'none'
      }); not overwriting someone else's change`,
    );
  }
  const set = await deps.clients.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: input.queueUrl,
      Attributes: {
        VisibilityTimeout: input.to.VisibilityTimeout,
        ...(input.to.RedrivePolicy ? { RedrivePolicy: input.to.RedrivePolicy } : {}),
      },
    }),
  );
  await record('sqs:SetQueueAttributes', current, requestIdsOf(set));
  return { changed: true, before: current, after: input.to };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'set-queue-settings',
  module: import.meta.url,
  clients: { sqs: SQSClient },
  core: setQueueSettings,
  audits: DynamoDBClient,
  permissions: [{ actions: ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'], on: 'replay-queues' }],
});

export const handler = step.handler;
