import { changeGate, defineRunbook, escalate, releaseLease, requestApproval } from 'lambda-runbooks';
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
const steps = [checkStep, requestApproval, changeGate, applyStep, escalate, releaseLease] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

/** This team's rule: no function of theirs runs with a timeout under 10 seconds. */
export const timeoutFloor = defineRunbook({
  id: 'timeout-floor',
  title: 'Lambda timeout floor',
  description:
    'Checks that a function has a timeout of at least 10 seconds; raises it, with approval where policy ' +
    'says so, checks again, and puts the previous value back if the check still fails.',
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
