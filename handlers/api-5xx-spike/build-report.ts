import * as z from 'zod';
import { lambdaEntry } from '../lib/lambda-entry.js';
import { parseInput } from '../lib/parse-input.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  executionId: z.string().min(1),
  runbook: z.string().min(1),
  /** When the alarm fired: `durationSeconds` is the time from detection to this report. */
  alarmAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a timestamp'),
  state: z
    .object({
      evidence: z
        .object({
          alarm: z.object({ name: z.string(), stateChangedAt: z.string() }).loose(),
          target: z.object({ functionName: z.string(), alias: z.string() }).loose(),
          metrics: z.object({ errorRate: z.number(), invocations: z.number() }).loose(),
        })
        .loose()
        .optional(),
      decision: z.object({ action: z.string(), reason: z.string() }).loose().optional(),
      approval: z.unknown().optional(),
      rollback: z
        .object({ changed: z.boolean(), before: z.unknown(), after: z.unknown(), rolledBackAt: z.string() })
        .optional(),
      verification: z.object({ recovered: z.boolean() }).loose().optional(),
      escalation: z.object({ reason: z.string() }).loose().optional(),
    })
    .loose(),
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

export const handler = lambdaEntry(buildReport, {});
