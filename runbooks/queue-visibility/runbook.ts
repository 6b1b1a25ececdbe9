import { step as changeGateStep } from '../../handlers/shared/change-gate.js';
import { step as escalateStep } from '../../handlers/shared/escalate.js';
import { step as releaseLeaseStep } from '../../handlers/shared/release-lease.js';
import { step as requestApprovalStep } from '../../handlers/shared/request-approval.js';
import { defineRunbook } from '../define-runbook.js';
import type { QueueGuardrails } from './contract.js';
import { queueVisibilityInputSchema } from './input.js';
import { step as decideQueueSettingsStep } from './steps/decide-queue-settings.js';
import { step as inspectQueueStep } from './steps/inspect-queue.js';
import { step as reportQueueSettingsStep } from './steps/report-queue-settings.js';
import { step as setQueueSettingsStep } from './steps/set-queue-settings.js';
import { step as verifyQueueSettingsStep } from './steps/verify-queue-settings.js';

/** Everything that bounds the runbook; the decision checks the first part. */
export interface QueueVisibilityGuardrails extends QueueGuardrails {
  /** Seconds between read-backs of the new settings (SQS propagates changes within 60 seconds). */
  readonly verifyIntervalSeconds: number;
  readonly maxVerifyChecks: number;
}

const guardrails: QueueVisibilityGuardrails = {
  // Raising a floor AWS recommends changes no message; production still asks a person.
  approval: { dev: 'auto', staging: 'auto', prod: 'human' },
  visibilityFactor: 6,
  minimumMaxReceiveCount: 5,
  verifyIntervalSeconds: 60,
  maxVerifyChecks: 3,
};

/** Its steps, in the order the definition first uses them. */
const steps = [
  inspectQueueStep,
  decideQueueSettingsStep,
  requestApprovalStep,
  changeGateStep,
  setQueueSettingsStep,
  verifyQueueSettingsStep,
  escalateStep,
  reportQueueSettingsStep,
  releaseLeaseStep,
] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

/**
 * Raises an SQS queue's visibility timeout and maxReceiveCount to what its Lambda consumers need,
 * from the production-readiness SQS procedures: below them, messages in flight are received twice
 * and dead-letter though the consumer succeeds.
 */
export const queueVisibility = defineRunbook({
  id: 'queue-visibility',
  title: 'SQS queue visibility timeout',
  description:
    "A queue Lambda consumes is set below AWS's guidance: a visibility timeout under six times the " +
    "consumer's timeout plus its batching window, or a redrive maxReceiveCount under 5. Reads the " +
    'queue, its event source mappings and their functions; derives the settings from the largest ' +
    'consumer; asks for approval where policy says so; sets them, reads them back, and puts back ' +
    'the exact previous values if they do not hold.',
  trigger: {
    description:
      'A manual start with queue=<name>, as the DLQ replay offers when it finds the source queue below the guidance',
    metrics: [],
  },
  targets: ['queue'],
  locks: ['target'],
  inputSchema: queueVisibilityInputSchema,
  approval: guardrails.approval,
  approverTiers: [
    { group: 'on-call', timeoutSeconds: 30 * 60 },
    { group: 'incident-leads', timeoutSeconds: 30 * 60 },
  ],
  guardrails,
  timeoutSeconds: 2 * 3600,
  cooldownSeconds: 15 * 60,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () => (await import('./game-days.js')).queueVisibilityGameDays,
});
