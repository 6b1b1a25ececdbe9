import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import type { AppliedChange } from './apply-concurrency-change.js';
import { describeChange } from './concurrency-change.js';
import type { ConcurrencyEvidence, ThrottlingDecision } from './contract.js';
import type { RevertedChange } from './revert-concurrency-change.js';
import type { ThrottleVerification } from './verify-throttles.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  state: z.looseObject({
    evidence: z.optional(z.custom<ConcurrencyEvidence>()),
    decision: z.optional(z.custom<ThrottlingDecision>()),
    applied: z.optional(z.custom<AppliedChange>()),
    verification: z.optional(z.custom<ThrottleVerification>()),
    reverted: z.optional(z.custom<RevertedChange>()),
    escalation: z.optional(z.looseObject({ reason: z.string() })),
    failure: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  }),
});

export type ReportThrottlingInput = z.input<typeof inputSchema>;

export type ThrottlingOutcome = 'remediated' | 'escalated' | 'unchanged';

/** What the runbook leaves behind: every figure it decided on, the cause and why, what changed and how to undo it. */
export interface ThrottlingReport {
  readonly runbook: 'lambda-throttling';
  readonly executionId: string;
  readonly outcome: ThrottlingOutcome;
  readonly cause: string | null;
  readonly summary: string;
  readonly reasoning: readonly string[];
  readonly evidence: ConcurrencyEvidence | null;
  readonly change: {
    readonly what: string;
    readonly before: number | null;
    readonly after: number;
    readonly at: string;
    /** Put back (when the change did not help) or not. */
    readonly reverted: boolean;
  } | null;
  /** The command that restores the configuration the change replaced. */
  readonly restoreCommand: string | null;
  readonly quotaRequest: ThrottlingDecision['quotaRequest'] | null;
  readonly reclaimable: ThrottlingDecision['reclaimable'] | null;
  readonly verification: ThrottleVerification | null;
  readonly reportedAt: string;
  readonly durationSeconds: number;
}

function outcomeOf(state: z.infer<typeof inputSchema>['state']): ThrottlingOutcome {
  if (state.escalation || state.failure || state.reverted) return 'escalated';
  if (state.decision?.action === 'none') return 'unchanged';
  return state.verification?.recovered ? 'remediated' : 'escalated';
}

/** Ends every path of the throttling runbook with its report. Changes nothing. */
export const reportThrottling: StepCore<ReportThrottlingInput, ThrottlingReport> = async (rawInput, deps) => {
  const { executionId, state } = parseInput(inputSchema, rawInput, 'report-throttling');
  const now = deps.now();
  const outcome = outcomeOf(state);
  const { decision, evidence, applied } = state;
  const change =
    decision?.change && applied?.changed
      ? {
          what: describeChange(decision.change),
          before: applied.before,
          after: applied.after,
          at: applied.appliedAt,
          reverted: state.reverted !== undefined,
        }
      : null;
  const why =
    state.escalation?.reason ?? decision?.summary ?? state.failure?.Error ?? 'the runbook could not finish';
  const summary: Record<ThrottlingOutcome, string> = {
    remediated: `${decision?.summary}; throttles since: ${state.verification?.throttles ?? 0}`,
    unchanged: decision?.summary ?? 'nothing to change',
    escalated: `escalated: ${why}${change ? ` (changed and ${change.reverted ? 'reverted' : 'kept'}: ${change.what})` : ' (nothing changed)'}`,
  };
  const started = evidence
    ? Date.parse(evidence.alarm?.stateChangedAt ?? evidence.gatheredAt)
    : now.getTime();
  return {
    runbook: 'lambda-throttling',
    executionId,
    outcome,
    cause: decision?.cause ?? null,
    summary: summary[outcome],
    reasoning: decision?.reasoning ?? [],
    evidence: evidence ?? null,
    change,
    restoreCommand: change && !change.reverted ? (decision?.restoreCommand ?? null) : null,
    quotaRequest: decision?.quotaRequest ?? null,
    reclaimable: decision?.reclaimable ?? null,
    verification: state.verification ?? null,
    reportedAt: now.toISOString(),
    durationSeconds: Math.round((now.getTime() - started) / 1000),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'report-throttling',
  module: import.meta.url,
  clients: {},
  core: reportThrottling,
  permissions: [],
});

export const handler = step.handler;
