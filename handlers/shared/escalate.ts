import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { idempotentStep } from '../lib/idempotent-step.js';
import { notify } from '../lib/notify.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const failureSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });
const consumerCheckSchema = z.looseObject({
  allHealthy: z.boolean(),
  consumers: z.array(z.looseObject({ consumer: z.string(), healthy: z.boolean(), reason: z.string() })),
});

/** The consumers whose health check failed, each with its reason. */
function unhealthy(check: z.infer<typeof consumerCheckSchema>): string {
  return check.consumers
    .filter((c) => !c.healthy)
    .map((c) => `${c.consumer} (${c.reason})`)
    .join(', ');
}

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  /** The whole execution state: escalation carries all the evidence there is. */
  state: z.looseObject({
    evidence: z.optional(z.unknown()),
    decision: z.optional(z.looseObject({ action: z.string(), reason: z.string() })),
    rollback: z.optional(z.unknown()),
    verification: z.optional(z.looseObject({ recovered: z.boolean(), checks: z.number() })),
    failure: z.optional(failureSchema),
    // The secret-rotation runbook's findings: preflight, the rotation, and the consumer canaries.
    inspection: z.optional(z.looseObject({ action: z.string(), reason: z.string() })),
    check: z.optional(z.looseObject({ status: z.string(), reason: z.string() })),
    consumerCheck: z.optional(consumerCheckSchema),
    // The runtime-upgrade runbook's: its plan, the configuration update, smoke test and canary.
    plan: z.optional(z.looseObject({ action: z.string(), reason: z.string() })),
    update: z.optional(
      z.looseObject({ status: z.optional(z.string()), reason: z.optional(z.nullable(z.string())) }),
    ),
    smoke: z.optional(z.looseObject({ passed: z.boolean(), errorType: z.nullable(z.string()) })),
    comparison: z.optional(
      z.looseObject({ verdict: z.optional(z.string()), reason: z.optional(z.string()) }),
    ),
    afterRollback: z.optional(consumerCheckSchema),
  }),
});

export type EscalateInput = z.input<typeof inputSchema>;

export interface Escalation {
  readonly reason: string;
  readonly escalatedAt: string;
  readonly messageId: string;
}

/** Step Functions puts a Lambda error's message inside `Cause` as JSON `{ errorMessage }`. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) return String(parsed.errorMessage);
  } catch {
    // A plain-text cause (for example from SendTaskFailure) is shown as it is.
  }
  return cause;
}

/** Why the runbook is handing over to a human, read from how the execution got here. */
function reasonFor(state: z.infer<typeof inputSchema>['state']): string {
  if (state.failure) {
    const message = causeMessage(state.failure.Cause);
    return `${state.failure.Error}${message ? `: ${message}` : ''}`;
  }
  if (state.verification && !state.verification.recovered) {
    return `not recovered after ${state.verification.checks} verification checks following the remediation`;
  }
  if (state.decision?.action === 'escalate') return state.decision.reason;
  if (state.inspection?.action === 'escalate') return state.inspection.reason;
  if (state.plan?.action === 'escalate') return state.plan.reason;
  if (state.update?.status === 'Failed')
    return `the configuration update failed: ${state.update.reason ?? 'no reason given'}`;
  if (state.smoke?.passed === false)
    return `the new version failed its smoke test (${state.smoke.errorType})`;
  if (state.comparison?.verdict && state.comparison.verdict !== 'healthy' && state.comparison.reason)
    return `canary ${state.comparison.verdict}: ${state.comparison.reason}; production routing put back as it was`;
  const after =
    state.afterRollback && !state.afterRollback.allHealthy
      ? `; after the rollback still failing: ${unhealthy(state.afterRollback)}`
      : state.afterRollback
        ? '; rolled back, every consumer works again'
        : '';
  if (state.check?.status === 'failed') return `rotation failed: ${state.check.reason}${after}`;
  if (state.consumerCheck && !state.consumerCheck.allHealthy)
    return `consumers cannot use the new value: ${unhealthy(state.consumerCheck)}${after}`;
  return 'the runbook could not finish';
}

/** Hands the incident to on-call with the evidence gathered so far. Changes nothing else. */
const escalateOnce: StepCore<EscalateInput, Escalation, 'sns'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'escalate');
  const reason = reasonFor(input.state);
  const escalatedAt = deps.now().toISOString();
  const messageId = await notify(deps, deps.topics.escalation, `Escalation: ${input.runbook}: ${reason}`, {
    runbook: input.runbook,
    executionId: input.executionId,
    reason,
    evidence: input.state.evidence ?? input.state.inspection ?? input.state.plan ?? null,
    decision: input.state.decision ?? null,
    rollback: input.state.rollback ?? null,
    verification: input.state.verification ?? null,
  });
  return { reason, escalatedAt, messageId };
};

/** The step, idempotent on `executionId`: a retry returns the first result instead of acting twice. */
export const escalate = idempotentStep('escalate', escalateOnce, 'executionId');

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'escalate',
  module: import.meta.url,
  clients: { sns: SNSClient, dynamodb: DynamoDBClient },
  core: escalate,
  permissions: [{ actions: ['sns:Publish'], on: 'escalation-topic' }],
  idempotent: true,
});

export const handler = step.handler;
