import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import type { UpdateCheck } from './check-update.js';
import type { AliasState, CanaryComparison, UpgradePlan } from './contract.js';
import type { PublishedVersion } from './publish-version.js';
import type { SmokeTest } from './smoke-test.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  state: z.looseObject({
    plan: z.optional(z.custom<UpgradePlan>()),
    update: z.optional(z.custom<UpdateCheck>()),
    published: z.optional(z.custom<PublishedVersion>()),
    smoke: z.optional(z.custom<SmokeTest>()),
    staging: z.optional(z.custom<AliasState>()),
    canary: z.optional(z.custom<AliasState>()),
    comparison: z.optional(z.custom<CanaryComparison>()),
    promoted: z.optional(z.custom<AliasState>()),
    rolledBack: z.optional(z.custom<AliasState>()),
    escalation: z.optional(z.looseObject({ reason: z.string() })),
    failure: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  }),
});

export type ReportUpgradeInput = z.input<typeof inputSchema>;

/** `upgraded`: production runs the new version; `rolled-back`: its routing is exactly as before; `stopped`: nothing changed. */
export type UpgradeOutcome = 'upgraded' | 'rolled-back' | 'stopped' | 'unchanged' | 'escalated';

export interface UpgradeReport {
  readonly runbook: 'runtime-upgrade';
  readonly executionId: string;
  readonly outcome: UpgradeOutcome;
  readonly functionName: string | null;
  readonly changes: readonly string[];
  readonly summary: string;
  readonly newVersion: string | null;
  readonly productionBefore: AliasState | null;
  readonly productionAfter: AliasState | null;
  readonly comparison: CanaryComparison | null;
  /** The new version's smoke test: which shareable test event (null: `{}`), and how it went. */
  readonly smokeTest: {
    readonly event: string | null;
    readonly passed: boolean;
    readonly errorType: string | null;
  } | null;
  /** When each stage was reached, as far as the run got. */
  readonly stages: Readonly<Record<string, string>>;
  readonly reportedAt: string;
  readonly durationSeconds: number;
}

type State = z.infer<typeof inputSchema>['state'];

function outcomeOf(state: State): UpgradeOutcome {
  if (state.plan?.action === 'none') return 'unchanged';
  if (state.plan?.action === 'stop') return 'stopped';
  if (state.promoted) return 'upgraded';
  if (state.rolledBack) return 'rolled-back';
  return 'escalated';
}

/** Writes the report: the change, versions and weights before and after, the comparison, timing. */
export const reportUpgrade: StepCore<ReportUpgradeInput, UpgradeReport> = async (rawInput, deps) => {
  const { executionId, state } = parseInput(inputSchema, rawInput, 'report-upgrade');
  const now = deps.now();
  const outcome = outcomeOf(state);
  const plan = state.plan;
  const started = plan ? Date.parse(plan.plannedAt) : now.getTime();
  const stages: Record<string, string> = {};
  if (plan) stages.planned = plan.plannedAt;
  if (state.comparison) stages.canaryStarted = state.comparison.since;
  if (state.comparison) stages.canaryJudged = state.comparison.checkedAt;
  stages.reported = now.toISOString();
  const why =
    state.escalation?.reason ?? state.comparison?.reason ?? plan?.reason ?? state.failure?.Error ?? '';
  return {
    runbook: 'runtime-upgrade',
    executionId,
    outcome,
    functionName: plan?.functionName ?? null,
    changes: plan?.changes ?? [],
    summary: `${plan?.functionName ?? 'the function'}: ${outcome}${why ? ` (${why})` : ''}`,
    newVersion: state.published?.version ?? null,
    productionBefore: plan?.production ?? null,
    productionAfter: state.promoted ?? state.rolledBack ?? state.canary ?? plan?.production ?? null,
    comparison: state.comparison ?? null,
    smokeTest: state.smoke ? { event: plan?.testEventName ?? null, ...state.smoke } : null,
    stages,
    reportedAt: now.toISOString(),
    durationSeconds: Math.round((now.getTime() - started) / 1000),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'report-upgrade',
  module: import.meta.url,
  clients: {},
  core: reportUpgrade,
  permissions: [],
});

export const handler = step.handler;
