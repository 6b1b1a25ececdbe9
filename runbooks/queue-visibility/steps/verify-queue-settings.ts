import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { defineStep } from '../../../handlers/lib/define-step.js';
import { parseInput } from '../../../handlers/lib/parse-input.js';
import { nonEmptyString, nonNegativeInt, positiveInt } from '../../../handlers/lib/schemas.js';
import type { StepCore } from '../../../handlers/lib/step-deps.js';
import type { QueueSettings } from '../contract.js';
import { readSettings, sameSettings } from '../settings.js';

const inputSchema = z.object({
  queueUrl: z.url(),
  expected: z.object({
    VisibilityTimeout: nonEmptyString(),
    RedrivePolicy: z.optional(nonEmptyString()),
  }),
  previousChecks: nonNegativeInt(),
  maxChecks: positiveInt(),
});

export type VerifyQueueSettingsInput = z.input<typeof inputSchema>;

export interface QueueVerification {
  readonly verified: boolean;
  /** No check left: the settings never read back as set. */
  readonly exhausted: boolean;
  readonly checks: number;
  readonly found: QueueSettings;
}

/**
 * Reads the queue's settings back. SQS takes up to 60 seconds to propagate most attribute changes
 * (SetQueueAttributes, API reference), so the definition waits before each check and tries again
 * until `maxChecks`; settings that never read back as set are put back.
 */
export const verifyQueueSettings: StepCore<VerifyQueueSettingsInput, QueueVerification, 'sqs'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'verify-queue-settings');
  const found = await readSettings(deps.clients.sqs, input.queueUrl);
  const checks = input.previousChecks + 1;
  const verified = sameSettings(found, input.expected);
  return { verified, exhausted: !verified && checks >= input.maxChecks, checks, found };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'verify-queue-settings',
  module: import.meta.url,
  clients: { sqs: SQSClient },
  core: verifyQueueSettings,
  permissions: [{ actions: ['sqs:GetQueueAttributes'], on: 'replay-queues' }],
});

export const handler = step.handler;
