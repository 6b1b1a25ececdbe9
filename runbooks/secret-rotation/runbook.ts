import { step as checkConsumersStep } from '../../handlers/secret-rotation/check-consumers.js';
import { step as checkRotationStep } from '../../handlers/secret-rotation/check-rotation.js';
import { step as clearStalePendingStep } from '../../handlers/secret-rotation/clear-stale-pending.js';
import {
  type SecretRotationGuardrails,
  secretRotationInputSchema,
} from '../../handlers/secret-rotation/contract.js';
import { step as inspectSecretStep } from '../../handlers/secret-rotation/inspect-secret.js';
import { step as reportRotationStep } from '../../handlers/secret-rotation/report-rotation.js';
import { step as rollBackRotationStep } from '../../handlers/secret-rotation/roll-back-rotation.js';
import { step as startRotationStep } from '../../handlers/secret-rotation/start-rotation.js';
import { step as changeGateStep } from '../../handlers/shared/change-gate.js';
import { step as escalateStep } from '../../handlers/shared/escalate.js';
import { step as releaseLeaseStep } from '../../handlers/shared/release-lease.js';
import { step as requestApprovalStep } from '../../handlers/shared/request-approval.js';
import { defineRunbook } from '../define-runbook.js';
import { trigger as eventTrigger } from './rotation-failed-trigger.js';

const guardrails: SecretRotationGuardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  rotationPollSeconds: 30,
  // Ten minutes: Secrets Manager's own retries of a failing rotation fit inside.
  maxRotationChecks: 20,
  maxConsumers: 20,
};

/** Its steps, in the order the definition first uses them. */
const steps = [
  inspectSecretStep,
  requestApprovalStep,
  changeGateStep,
  clearStalePendingStep,
  startRotationStep,
  checkRotationStep,
  checkConsumersStep,
  rollBackRotationStep,
  escalateStep,
  reportRotationStep,
  releaseLeaseStep,
] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

/** Rotates a secret with the platform's rotation function and proves every consumer works with the new value. */
export const secretRotation = defineRunbook({
  id: 'secret-rotation',
  title: 'Secret rotation',
  description:
    'Rotates a secret and proves its consumers work with the new value before it sticks. Preflight ' +
    'checks that rotation is configured and removes an AWSPENDING label an earlier failed rotation ' +
    'left behind (after approval in staging and prod); RotateSecret, then the version stages are ' +
    "followed until the rotation finishes or fails; every consumer's health check alias must log " +
    'in with the new version read fresh. On any failure the rotation is rolled back (previous ' +
    'credentials set in the target system again, AWSCURRENT moved back, AWSPENDING removed), the ' +
    'consumers checked again and on-call told. Versions are handled by id, never by value.',
  trigger: {
    description:
      'A schedule (an EventBridge rule per rotated secret sends a start request), a person (`secret=<name>`, optionally `consumers=fn:alias,…`), or a RotationFailed event from Secrets Manager for a rotation it ran on its own',
    metrics: [],
    events: [eventTrigger],
  },
  targets: ['secret'],
  locks: ['target'],
  parameters: {
    consumers: {
      description:
        "health-check aliases (function:alias, comma separated) checked besides those in the secret's runbook-consumers tag",
      kind: 'function-aliases',
    },
  },
  inputSchema: secretRotationInputSchema,
  approval: guardrails.approval,
  approverTiers: [
    { group: 'on-call', timeoutSeconds: 15 * 60 },
    { group: 'security', timeoutSeconds: 30 * 60 },
  ],
  guardrails,
  timeoutSeconds: 2 * 3600,
  cooldownSeconds: 3600,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () =>
    (await import('../../gameday/scenarios/secret-rotation/game-days.js')).secretRotationScenarios,
});
