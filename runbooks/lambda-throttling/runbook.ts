import { step as applyConcurrencyChangeStep } from '../../handlers/lambda-throttling/apply-concurrency-change.js';
import { step as checkProvisionedConcurrencyStep } from '../../handlers/lambda-throttling/check-provisioned-concurrency.js';
import {
  type ThrottlingGuardrails,
  throttlingInputSchema,
} from '../../handlers/lambda-throttling/contract.js';
import { step as decideThrottlingFixStep } from '../../handlers/lambda-throttling/decide-throttling-fix.js';
import { step as gatherConcurrencyEvidenceStep } from '../../handlers/lambda-throttling/gather-concurrency-evidence.js';
import { step as reportThrottlingStep } from '../../handlers/lambda-throttling/report-throttling.js';
import { step as revertConcurrencyChangeStep } from '../../handlers/lambda-throttling/revert-concurrency-change.js';
import { step as verifyThrottlesStep } from '../../handlers/lambda-throttling/verify-throttles.js';
import { step as changeGateStep } from '../../handlers/shared/change-gate.js';
import { step as escalateStep } from '../../handlers/shared/escalate.js';
import { step as releaseLeaseStep } from '../../handlers/shared/release-lease.js';
import { step as requestApprovalStep } from '../../handlers/shared/request-approval.js';
import { defineRunbook } from '../define-runbook.js';

/** Everything that bounds the throttling runbook; the decision checks the first part. */
export interface LambdaThrottlingGuardrails extends ThrottlingGuardrails {
  /** Minutes of metrics that show the incident, and the minutes before them that show normal. */
  readonly lookbackMinutes: number;
  readonly baselineMinutes: number;
  /** Seconds between verification checks, and the most checks before the change counts as failed. */
  readonly verifyIntervalSeconds: number;
  readonly maxVerifyChecks: number;
  /** Seconds between checks of provisioned concurrency allocation, and the most checks. */
  readonly provisioningPollSeconds: number;
  readonly maxProvisioningChecks: number;
}

const guardrails: LambdaThrottlingGuardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  minimumUnreserved: 100,
  unreservedMargin: 50,
  maxRaiseFactor: 2,
  reservedCeiling: 500,
  provisionedCeiling: 1_000,
  // Lambda's list price for provisioned concurrency on x86 in us-east-1; arm64 and other Regions differ.
  provisionedPricePerGbSecondUsd: 0.0000041667,
  atCapShare: 0.9,
  exhaustedShare: 0.95,
  neighbourShare: 0.5,
  latencyRiseFactor: 2,
  trafficRiseFactor: 1.3,
  burstFactor: 3,
  asyncShare: 0.9,
  recoveredThrottles: 0,
  verifyWindowMinutes: 10,
  lookbackMinutes: 5,
  baselineMinutes: 60,
  verifyIntervalSeconds: 300,
  maxVerifyChecks: 4,
  provisioningPollSeconds: 30,
  maxProvisioningChecks: 40,
};

/** Its steps, in the order the definition first uses them. */
const steps = [
  gatherConcurrencyEvidenceStep,
  decideThrottlingFixStep,
  requestApprovalStep,
  changeGateStep,
  applyConcurrencyChangeStep,
  checkProvisionedConcurrencyStep,
  verifyThrottlesStep,
  revertConcurrencyChangeStep,
  escalateStep,
  reportThrottlingStep,
  releaseLeaseStep,
] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

/** Finds why a Lambda function (or the account) is throttled and applies the one fix that fits, within guardrails. */
export const lambdaThrottling = defineRunbook({
  id: 'lambda-throttling',
  title: 'Lambda throttling',
  description:
    'A function (or the account) is throttled. Gathers the account limit, reserved and provisioned ' +
    'concurrency, event sources, asynchronous configuration and the concurrency metrics; decides the ' +
    'one cause (function cap, exhausted account, noisy neighbour, cold burst, latency, an SQS event ' +
    'source over its cap, or throttles retries absorb) and applies the fix that fits, never leaving ' +
    'less than 150 unreserved; asks for approval where policy says so (always for a neighbour); ' +
    'verifies that throttles stop, or puts the previous configuration back and escalates.',
  trigger: {
    description:
      'CloudWatch alarm on AWS/Lambda Throttles or ConcurrentExecutions (FunctionName, optionally Resource = function:alias), or on the account-level ClaimedAccountConcurrency or ConcurrentExecutions (no dimensions); or a manual start with function=<name>',
    metrics: [
      { namespace: 'AWS/Lambda', name: 'Throttles' },
      { namespace: 'AWS/Lambda', name: 'ConcurrentExecutions' },
      { namespace: 'AWS/Lambda', name: 'ClaimedAccountConcurrency' },
    ],
  },
  targets: ['function', 'account'],
  locks: ['target', 'account-concurrency'],
  inputSchema: throttlingInputSchema,
  approval: guardrails.approval,
  approverTiers: [
    { group: 'on-call', timeoutSeconds: 15 * 60 },
    { group: 'incident-leads', timeoutSeconds: 15 * 60 },
  ],
  guardrails,
  timeoutSeconds: 2 * 3600,
  cooldownSeconds: 30 * 60,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () =>
    (await import('../../gameday/scenarios/lambda-throttling/game-days.js')).lambdaThrottlingScenarios,
});
