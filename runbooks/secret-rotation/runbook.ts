import {
  type SecretRotationGuardrails,
  secretRotationInputSchema,
} from '../../handlers/secret-rotation/contract.js';
import type { Runbook } from '../runbook.js';

const guardrails: SecretRotationGuardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  rotationPollSeconds: 30,
  // Ten minutes: Secrets Manager's own retries of a failing rotation fit inside.
  maxRotationChecks: 20,
  maxConsumers: 20,
};

/** Rotates a secret with the platform's rotation function and proves every consumer works with the new value. */
export const secretRotation: Runbook<SecretRotationGuardrails> = {
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
  steps: [
    'inspect-secret',
    'request-approval',
    'clear-stale-pending',
    'start-rotation',
    'check-rotation',
    'check-consumers',
    'roll-back-rotation',
    'escalate',
    'report-rotation',
    'release-lease',
  ],
};
