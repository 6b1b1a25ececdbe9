import { step as buildReportStep } from '../../handlers/api-5xx-spike/build-report.js';
import type { SpikeGuardrails } from '../../handlers/api-5xx-spike/contract.js';
import { step as decideRemediationStep } from '../../handlers/api-5xx-spike/decide-remediation.js';
import { step as gatherEvidenceStep } from '../../handlers/api-5xx-spike/gather-evidence.js';
import { step as rollbackAliasStep } from '../../handlers/api-5xx-spike/rollback-alias.js';
import { step as verifyRecoveryStep } from '../../handlers/api-5xx-spike/verify-recovery.js';
import { alarmStateChangeEventSchema } from '../../handlers/lib/alarm-event.js';
import { step as changeGateStep } from '../../handlers/shared/change-gate.js';
import { step as escalateStep } from '../../handlers/shared/escalate.js';
import { step as releaseLeaseStep } from '../../handlers/shared/release-lease.js';
import { step as requestApprovalStep } from '../../handlers/shared/request-approval.js';
import { defineRunbook } from '../define-runbook.js';

const guardrails: SpikeGuardrails & { readonly lookbackMinutes: number; readonly settleSeconds: number } = {
  suspectWindowMinutes: 60,
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  approvalTimeoutSeconds: 900,
  recoveredErrorRate: 0.01,
  maxVerifyChecks: 3,
  /** Minutes of metrics gathered before the alarm. */
  lookbackMinutes: 60,
  /** Time given to the alias after a change before each verification check. */
  settleSeconds: 180,
};

/** Its steps, in the order the definition first uses them. */
const steps = [
  gatherEvidenceStep,
  decideRemediationStep,
  requestApprovalStep,
  changeGateStep,
  rollbackAliasStep,
  verifyRecoveryStep,
  escalateStep,
  buildReportStep,
  releaseLeaseStep,
] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

/** Rolls a Lambda alias back when a recent deploy explains a 5XX spike; escalates otherwise. */
export const api5xxSpike = defineRunbook({
  id: 'api-5xx-spike',
  title: '5XX error spike',
  description:
    'An API Gateway 5XXError or Lambda Errors alarm on an aliased function fired. Gathers metrics, ' +
    'alias routing and recent versions; if a version deployed shortly before the spike is to blame, ' +
    'rolls the alias back (after approval where policy requires it) and verifies recovery; otherwise ' +
    'escalates with the evidence.',
  trigger: {
    description:
      'CloudWatch alarm on AWS/ApiGateway 5XXError (REST API backed by a Lambda alias) or AWS/Lambda Errors (Resource = function:alias)',
    metrics: [
      { namespace: 'AWS/ApiGateway', name: '5XXError' },
      { namespace: 'AWS/Lambda', name: 'Errors' },
    ],
  },
  targets: ['function', 'api'],
  locks: ['target'],
  inputSchema: alarmStateChangeEventSchema,
  approval: guardrails.approval,
  /** Who approves a rollback: on-call first; if nobody answers in time, the incident leads. */
  approverTiers: [
    { group: 'on-call', timeoutSeconds: guardrails.approvalTimeoutSeconds },
    { group: 'incident-leads', timeoutSeconds: guardrails.approvalTimeoutSeconds },
  ],
  guardrails,
  timeoutSeconds: 2 * 3600,
  cooldownSeconds: 30 * 60,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () => [
    ...(await import('../../gameday/scenarios/api-5xx-spike/game-days.js')).api5xxSpikeScenarios,
    ...(await import('../../gameday/scenarios/api-5xx-spike/alarm-storm.js')).stormGameDays,
  ],
});
