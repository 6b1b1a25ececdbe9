import type { SpikeGuardrails } from '../../handlers/api-5xx-spike/contract.js';
import { alarmStateChangeEventSchema } from '../../handlers/lib/alarm-event.js';
import type { Runbook } from '../runbook.js';

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

/** Rolls a Lambda alias back when a recent deploy explains a 5XX spike; escalates otherwise. */
export const api5xxSpike: Runbook<typeof guardrails> = {
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
  steps: [
    'gather-evidence',
    'decide-remediation',
    'request-approval',
    'rollback-alias',
    'verify-recovery',
    'escalate',
    'build-report',
    'release-lease',
  ],
};
