import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { ChangeBudget, changeBudgetSchema } from '../lib/change-budget.js';
import { defineStep } from '../lib/define-step.js';
import { idempotentStep } from '../lib/idempotent-step.js';
import { notify } from '../lib/notify.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const failureSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  /**
   * The whole execution state: escalation carries all the evidence there is. Its entries are the
   * steps' results; what one found that stops the run is its `problem` (see `Finding`), a decision
   * not to act is `{ action: 'escalate', reason }`, and a failed Task leaves `failure`.
   */
  state: z.record(z.string(), z.unknown()),
});

export type EscalateInput = z.input<typeof inputSchema>;

export interface Escalation {
  readonly reason: string;
  readonly escalatedAt: string;
  readonly messageId: string;
  /** Whether automatic remediation is paused after this escalation (the circuit breaker). */
  readonly automationPaused: boolean;
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

/** An entry of the state as a step's result, if it is an object. */
const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/**
 * Why the runbook is handing over to a human, read from how the execution got here, whatever the
 * runbook: a failed Task first (what broke), then a decision not to act, then the first problem a
 * step found; `afterRollback` (the check run again after putting things back) says what the
 * rollback left.
 */
function reasonFor(state: Readonly<Record<string, unknown>>): string {
  const failure = failureSchema.safeParse(state.failure);
  if (failure.success) {
    const message = causeMessage(failure.data.Cause);
    return `${failure.data.Error}${message ? `: ${message}` : ''}`;
  }
  const results = Object.entries(state)
    .filter(([key]) => key !== 'afterRollback')
    .map(([, value]) => asRecord(value))
    .filter((result) => result !== undefined);
  const declined = results.find((r) => r.action === 'escalate' && typeof r.reason === 'string');
  if (declined) return String(declined.reason);
  const found = results.find((r) => typeof r.problem === 'string');
  if (!found) return 'the runbook could not finish';
  const afterRollback = asRecord(state.afterRollback);
  const after = !afterRollback
    ? ''
    : typeof afterRollback.problem === 'string'
      ? `; after the rollback still failing: ${afterRollback.problem}`
      : '; rolled back, and the check passes again';
  return `${String(found.problem)}${after}`;
}

/**
 * Whether the run changed something before it escalated (a change the gate granted, or one a
 * person approved), so its escalation counts towards the circuit breaker on automated change.
 */
function changedSomething(state: Readonly<Record<string, unknown>>): boolean {
  return asRecord(state.changeGate)?.granted === true || asRecord(state.approval) !== undefined;
}

/**
 * Hands the incident to on-call with the evidence gathered so far. A run that had changed
 * something counts towards the circuit breaker, which may pause automatic remediation everywhere
 * (the message says so). Changes nothing else.
 */
const escalateOnce: StepCore<EscalateInput, Escalation, 'sns' | 'dynamodb'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'escalate');
  const reason = reasonFor(input.state);
  const escalatedAt = deps.now().toISOString();
  const budget = changeBudgetSchema.safeParse(asRecord(input.state.dispatch)?.changeBudget);
  const breaker =
    budget.success && changedSomething(input.state)
      ? await new ChangeBudget(deps.clients.dynamodb, deps.leaseTable).recordFailure(
          input.executionId,
          reason,
          budget.data,
          deps.now(),
        )
      : undefined;
  const paused = breaker?.paused ? `; automatic remediation is paused: ${breaker.reason}` : '';
  const dispatch = asRecord(input.state.dispatch);
  const messageId = await notify(deps, deps.topics.escalation, `Escalation: ${input.runbook}: ${reason}`, {
    runbook: input.runbook,
    executionId: input.executionId,
    // Where: one hub escalates for every account it acts in.
    target: dispatch?.target ?? null,
    account: dispatch?.account ?? null,
    region: dispatch?.region ?? null,
    reason: `${reason}${paused}`,
    evidence: input.state.evidence ?? input.state.inspection ?? input.state.plan ?? null,
    decision: input.state.decision ?? null,
    rollback: input.state.rollback ?? null,
    verification: input.state.verification ?? null,
  });
  return { reason, escalatedAt, messageId, automationPaused: breaker?.paused === true };
};

/** The step, idempotent on `executionId`: a retry returns the first result instead of acting twice. */
export const escalate = idempotentStep('escalate', escalateOnce, 'executionId');

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'escalate',
  module: import.meta.url,
  clients: { sns: SNSClient, dynamodb: DynamoDBClient },
  core: escalate,
  permissions: [
    { actions: ['sns:Publish'], on: 'escalation-topic' },
    // The circuit breaker's item.
    { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], on: 'lease-table' },
  ],
  idempotent: true,
});

export const handler = step.handler;
