import * as z from 'zod/mini';
import { defineStep } from '../../../handlers/lib/define-step.js';
import { parseInput } from '../../../handlers/lib/parse-input.js';
import { nonEmptyString } from '../../../handlers/lib/schemas.js';
import type { StepCore } from '../../../handlers/lib/step-deps.js';
import type { QueueDecision, QueueEvidence, QueueSettings } from '../contract.js';
import type { SetQueueSettingsResult } from './set-queue-settings.js';
import type { QueueVerification } from './verify-queue-settings.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  state: z.looseObject({
    evidence: z.optional(z.custom<QueueEvidence>()),
    decision: z.optional(z.custom<QueueDecision>()),
    applied: z.optional(z.custom<SetQueueSettingsResult>()),
    verification: z.optional(z.custom<QueueVerification>()),
    restored: z.optional(z.custom<SetQueueSettingsResult>()),
    escalation: z.optional(z.looseObject({ reason: z.string() })),
    failure: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  }),
});

export type ReportQueueSettingsInput = z.input<typeof inputSchema>;

export type QueueOutcome = 'changed' | 'unchanged' | 'escalated';

/** What the runbook leaves behind: what it found, what it decided and why, what changed. */
export interface QueueReport {
  readonly runbook: 'queue-visibility';
  readonly executionId: string;
  readonly outcome: QueueOutcome;
  readonly summary: string;
  readonly evidence: QueueEvidence | null;
  readonly change: {
    readonly before: QueueSettings;
    readonly after: QueueSettings;
    /** Put back (the settings did not read back as set, or the run failed after the change). */
    readonly restored: boolean;
  } | null;
  /** The command that puts the previous settings back, for a change that was kept. */
  readonly restoreCommand: string | null;
  readonly reportedAt: string;
}

function outcomeOf(state: z.infer<typeof inputSchema>['state']): QueueOutcome {
  if (state.escalation || state.failure || state.restored) return 'escalated';
  if (state.decision?.action === 'none') return 'unchanged';
  return state.verification?.verified ? 'changed' : 'escalated';
}

/** Ends every path of the runbook with its report. Changes nothing. */
export const reportQueueSettings: StepCore<ReportQueueSettingsInput, QueueReport> = async (
  rawInput,
  deps,
) => {
  const { executionId, state } = parseInput(inputSchema, rawInput, 'report-queue-settings');
  const outcome = outcomeOf(state);
  const { decision, evidence, applied } = state;
  const change = applied?.changed
    ? { before: applied.before, after: applied.after, restored: state.restored !== undefined }
    : null;
  const why =
    state.escalation?.reason ?? decision?.reason ?? state.failure?.Error ?? 'the runbook could not finish';
  const summary: Record<QueueOutcome, string> = {
    changed: decision?.action === 'change' ? decision.summary : 'changed',
    unchanged: decision?.reason ?? 'nothing to change',
    escalated: `escalated: ${why} (${change ? `changed and ${change.restored ? 'put back' : 'kept'}` : 'nothing changed'})`,
  };
  const restoreCommand =
    change && !change.restored && evidence
      ? `aws sqs set-queue-attributes --queue-url ${evidence.queue.url} --attributes '${JSON.stringify(change.before)}'`
      : null;
  return {
    runbook: 'queue-visibility',
    executionId,
    outcome,
    summary: summary[outcome],
    evidence: evidence ?? null,
    change,
    restoreCommand,
    reportedAt: deps.now().toISOString(),
  };
};

/** The step as deployed: no clients, no permissions. */
export const step = defineStep({
  name: 'report-queue-settings',
  module: import.meta.url,
  clients: {},
  core: reportQueueSettings,
  permissions: [],
});

export const handler = step.handler;
