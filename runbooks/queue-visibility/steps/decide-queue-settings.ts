import * as z from 'zod/mini';
import { defineStep } from '../../../handlers/lib/define-step.js';
import { parseInput } from '../../../handlers/lib/parse-input.js';
import type { StepCore } from '../../../handlers/lib/step-deps.js';
import { type QueueDecision, type QueueEvidence, queueGuardrailsSchema } from '../contract.js';
import { decideQueueSettings } from '../decide.js';

const inputSchema = z.object({
  evidence: z.custom<QueueEvidence>(
    (v) => typeof v === 'object' && v !== null && 'queue' in v && 'settings' in v && 'consumers' in v,
    'is not queue evidence',
  ),
  guardrails: queueGuardrailsSchema,
});

export type DecideQueueSettingsInput = z.input<typeof inputSchema>;

/** Decides from the evidence alone (`decideQueueSettings`); calls nothing. */
export const decideQueueSettingsStep: StepCore<DecideQueueSettingsInput, QueueDecision> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'decide-queue-settings');
  return decideQueueSettings(input.evidence, input.guardrails, deps.environment);
};

/** The step as deployed: no clients, no permissions. */
export const step = defineStep({
  name: 'decide-queue-settings',
  module: import.meta.url,
  clients: {},
  core: decideQueueSettingsStep,
  permissions: [],
});

export const handler = step.handler;
