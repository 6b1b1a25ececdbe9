import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, timestampString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  /** When the alarm fired: `durationSeconds` is the time from detection to this report. */
  alarmAt: timestampString(),
  state: z.looseObject({
    evidence: z.optional(
      z.looseObject({
        alarm: z.looseObject({ name: z.string(), stateChangedAt: z.string() }),
        target: z.looseObject({ functionName: z.string(), alias: z.string() }),
        metrics: z.looseObject({ errorRate: z.number(), invocations: z.number() }),
      }),
    ),
    decision: z.optional(z.looseObject({ action: z.string(), reason: z.string() })),
    approval: z.optional(z.unknown()),
    rollback: z.optional(
      z.object({ changed: z.boolean(), before: z.unknown(), after: z.unknown(), rolledBackAt: z.string() }),
    ),
    verification: z.optional(z.looseObject({ recovered: z.boolean() })),
    escalation: z.optional(z.looseObject({ reason: z.string() })),
  }),
});

export type BuildReportInput = z.input<typeof inputSchema>;

export type Outcome = 'remediated' | 'escalated';

/** The record a runbook leaves behind: observed, decided, changed, and how long it took. */
export interface RunbookReport {
  readonly runbook: string;
  readonly executionId: string;
  readonly outcome: Outcome;
  readonly summary: string;
  readonly observed: unknown;
  readonly decided: unknown;
  readonly approval: unknown;
  readonly changed: {
    readonly what: string;
    readonly before: unknown;
    readonly after: unknown;
    readonly at: string;
  }[];
  readonly verification: unknown;
  readonly escalation: unknown;
  readonly alarmAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
}

/** Ends every path of a runbook with a report of what happened. */
export const buildReport: StepCore<BuildReportInput, RunbookReport> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'build-report');
  const { state } = input;
  const finishedAt = deps.now().toISOString();
  const alarmAt = new Date(input.alarmAt);
  const target = state.evidence
    ? `${state.evidence.target.functionName}:${state.evidence.target.alias}`
    : 'unknown';
  const changed = state.rollback?.changed
    ? [
        {
          what: `alias ${target}`,
          before: state.rollback.before,
          after: state.rollback.after,
          at: state.rollback.rolledBackAt,
        },
      ]
    : [];
  const outcome: Outcome = state.verification?.recovered && !state.escalation ? 'remediated' : 'escalated';
  const summary =
    outcome === 'remediated'
      ? `${target} recovered after the remediation: ${state.decision?.reason ?? ''}`
      : `escalated: ${state.escalation?.reason ?? 'no reason recorded'}${changed.length ? ` (changed: ${changed.map((c) => c.what).join(', ')})` : ' (nothing changed)'}`;
  return {
    runbook: input.runbook,
    executionId: input.executionId,
    outcome,
    summary,
    observed: state.evidence ?? null,
    decided: state.decision ?? null,
    approval: state.approval ?? null,
    changed,
    verification: state.verification ?? null,
    escalation: state.escalation ?? null,
    alarmAt: alarmAt.toISOString(),
    finishedAt,
    durationSeconds: Math.round((Date.parse(finishedAt) - alarmAt.getTime()) / 1000),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'build-report',
  module: import.meta.url,
  clients: {},
  core: buildReport,
  permissions: [],
});

export const handler = step.handler;
