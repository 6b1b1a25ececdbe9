import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore, StepDeps } from '../lib/step-deps.js';
import type { DlqEvidence } from './inspect-dlq.js';
import type { ReplayPlan } from './plan-replay.js';
import type { ReplayBatchResult } from './replay-batch.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  state: z.looseObject({
    evidence: z.optional(z.custom<DlqEvidence>()),
    plan: z.optional(z.custom<ReplayPlan>()),
    progress: z.optional(z.custom<ReplayBatchResult>()),
    moveTask: z.optional(z.looseObject({ status: z.string(), moved: z.number() })),
    escalation: z.optional(z.looseObject({ reason: z.string() })),
    failure: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  }),
});

export type ReportReplayInput = z.input<typeof inputSchema>;

export type ReplayOutcome = 'replayed' | 'partial' | 'stopped' | 'refused' | 'dry-run' | 'escalated';

export interface QueueCount {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
}

export interface ReplayReport {
  readonly runbook: 'dlq-replay';
  readonly executionId: string;
  readonly outcome: ReplayOutcome;
  readonly summary: string;
  readonly path?: ReplayPlan['path'];
  readonly atStart: number;
  readonly replayed: number;
  readonly quarantined: number;
  readonly landedBack: number;
  readonly leftInDlq: number;
  readonly queues: {
    readonly dlq?: QueueCount;
    readonly source?: QueueCount;
    readonly quarantine?: QueueCount;
  };
  readonly findings: ReplayPlan['findings'];
  /** The adaptive replay's rate over time and why it changed (the latest 50 changes). */
  readonly rateLog?: readonly { readonly at: string; readonly rate: number; readonly reason: string }[];
  readonly durationSeconds: number;
  readonly reportedAt: string;
}

async function count(deps: StepDeps<'sqs'>, name: string, url: string): Promise<QueueCount> {
  const answer = await deps.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return {
    name,
    visible: Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

function outcomeOf(state: z.infer<typeof inputSchema>['state'], leftInDlq: number): ReplayOutcome {
  if (state.escalation || state.failure) return state.progress?.stopped ? 'stopped' : 'escalated';
  if (state.plan?.action === 'refuse') return 'refused';
  if (state.plan?.action === 'dry-run') return 'dry-run';
  return leftInDlq > 0 ? 'partial' : 'replayed';
}

/**
 * Verifies and reports a replay: counts the DLQ, source and quarantine queues now, and says what
 * was replayed, quarantined and left, which path it took and how long it took. Changes nothing.
 */
export const reportReplay: StepCore<ReportReplayInput, ReplayReport, 'sqs'> = async (rawInput, deps) => {
  const { executionId, state } = parseInput(inputSchema, rawInput, 'report-replay');
  const evidence = state.evidence;
  const queues: ReplayReport['queues'] = evidence
    ? {
        dlq: await count(deps, evidence.dlq.name, evidence.dlq.url),
        source: await count(deps, evidence.source.name, evidence.source.url),
        ...(evidence.quarantine
          ? { quarantine: await count(deps, evidence.quarantine.name, evidence.quarantine.url) }
          : {}),
      }
    : {};
  const leftInDlq = queues.dlq ? queues.dlq.visible + queues.dlq.inFlight : 0;
  const atStart = evidence ? evidence.dlq.visible + evidence.dlq.inFlight : 0;
  const replayed = state.progress?.replayed ?? state.moveTask?.moved ?? 0;
  const quarantined = state.progress?.quarantined ?? 0;
  const landedBack = state.progress?.landedBack ?? 0;
  const outcome = outcomeOf(state, leftInDlq);
  const detail: Record<ReplayOutcome, string> = {
    replayed: `replayed ${replayed}, quarantined ${quarantined}; ${evidence?.dlq.name} is empty`,
    partial: `replayed ${replayed}, quarantined ${quarantined}; ${leftInDlq} left in ${evidence?.dlq.name}`,
    stopped: `stopped: ${state.progress?.reason ?? state.escalation?.reason}; replayed ${replayed}, quarantined ${quarantined}, ${leftInDlq} left in the DLQ`,
    refused: `refused: ${state.plan?.reason}; nothing moved`,
    'dry-run': `dry run: ${state.plan?.summary}; nothing moved`,
    escalated: `escalated: ${state.escalation?.reason ?? state.failure?.Error}; replayed ${replayed}, ${leftInDlq} left in the DLQ`,
  };
  const now = deps.now();
  return {
    runbook: 'dlq-replay',
    executionId,
    outcome,
    summary: detail[outcome],
    ...(state.plan ? { path: state.plan.path } : {}),
    atStart,
    replayed,
    quarantined,
    landedBack,
    leftInDlq,
    queues,
    findings: state.plan?.findings ?? [],
    ...(state.progress?.rateLog ? { rateLog: state.progress.rateLog } : {}),
    durationSeconds: evidence ? Math.round((now.getTime() - Date.parse(evidence.inspectedAt)) / 1000) : 0,
    reportedAt: now.toISOString(),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'report-replay',
  module: import.meta.url,
  clients: { sqs: SQSClient },
  core: reportReplay,
  permissions: [{ actions: ['sqs:GetQueueAttributes'], on: 'replay-queues' }],
});

export const handler = step.handler;
