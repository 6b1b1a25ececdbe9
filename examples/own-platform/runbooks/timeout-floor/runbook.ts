import { changeGate as changeGateStep, defineRunbook, escalate as escalateStep, releaseLease as releaseLeaseStep, requestApproval as requestApprovalStep } from 'lambda-runbooks';
import { inputSchema } from './contract.js';
import { step as applyStep } from './steps/apply.js';
import { step as checkStep } from './steps/check.js';

/** What bounds the runbook: who approves, and the timeout a function must have at least. */
const guardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  minimumTimeoutSeconds: 10,
  /** Seconds before the change is checked. */
  verifyAfterSeconds: 60,
} as const;

/** Its steps: its own two, and the platform's approval, change gate, escalation and lease release. */
const steps = [checkStep, requestApprovalStep, changeGateStep, applyStep, escalateStep, releaseLeaseStep] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

export const timeoutFloor = defineRunbook({
  id: 'timeout-floor',
  title: 'Timeout floor',
  description:
    'Checks that a function has a timeout of at least 10; raises it, with approval where policy says so, ' +
    'checks again, and puts the previous value back if the check still fails.',
  trigger: { description: 'A manual start with function=<name>', metrics: [] },
  targets: ['function'],
  locks: ['target'],
  inputSchema,
  approval: guardrails.approval,
  approverTiers: [{ group: 'on-call', timeoutSeconds: 30 * 60 }],
  guardrails,
  timeoutSeconds: 3600,
  cooldownSeconds: 15 * 60,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () => (await import('./game-days.js')).gameDays,
});
