import * as z from 'zod/mini';
import type { ApprovalMode } from '../lib/approval-mode.js';
import type { Finding } from '../lib/finding.js';
import { nonEmptyString } from '../lib/schemas.js';

/** A start on a function (`/runbook start runtime-upgrade function=<name> runtime=<id>`), or AWS Health's. */
export const runtimeUpgradeInputSchema = z.looseObject({
  manualStart: z.looseObject({
    target: nonEmptyString(),
    parameters: z._default(z.record(z.string(), z.string()), {}),
    requestedBy: nonEmptyString(),
  }),
});

/** The runtime and environment variables of `$LATEST` or a version. */
export interface RuntimeSettings {
  readonly runtime: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** An alias's routing, and the revision it had when read: what a rollback restores exactly. */
export interface AliasState {
  readonly name: string;
  readonly functionVersion: string;
  readonly weights: Readonly<Record<string, number>>;
  readonly revisionId: string;
}

export interface UpgradePlan {
  readonly functionName: string;
  readonly previous: RuntimeSettings;
  readonly target: RuntimeSettings;
  /** What changes, in words (`runtime nodejs18.x → nodejs22.x`, `environment FEATURE_X=on`). */
  readonly changes: readonly string[];
  readonly latestRevisionId: string;
  readonly staging: AliasState | null;
  readonly production: AliasState | null;
  /** The smoke test's event: the function's shareable test event, `{}` when it has none. */
  readonly testEvent: unknown;
  /** Which shareable test event that is (null: none). */
  readonly testEventName: string | null;
  /** The function's alarms, watched during the canary. */
  readonly alarms: readonly string[];
  /** `upgrade`; `none`: nothing to change; `stop`: the function is already failing; `escalate`: cannot. */
  readonly action: 'upgrade' | 'none' | 'stop' | 'escalate';
  readonly approval: ApprovalMode;
  readonly summary: string;
  readonly reason: string;
  readonly plannedAt: string;
}

/** One version's traffic through the alias over the canary's minutes. */
export interface VersionFigures {
  readonly version: string;
  readonly invocations: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly averageDurationMs: number;
}

export type CanaryVerdict = 'healthy' | 'wait' | 'regressed' | 'mixed' | 'insufficient-traffic';

export interface CanaryComparison extends Finding {
  readonly verdict: CanaryVerdict;
  readonly reason: string;
  readonly old: VersionFigures;
  readonly new: VersionFigures;
  readonly alarmsFiring: readonly string[];
  readonly checks: number;
  readonly since: string;
  readonly checkedAt: string;
}

/** What decides a canary; carried in the definition. */
export const canaryGuardrailsSchema = z.object({
  /** Calls the new version must have served before anything is decided. */
  minInvocations: z.int().check(z.positive()),
  /** The new version regresses when its error rate is this much above the old one's (absolute)… */
  maxErrorRateIncrease: z.number().check(z.gte(0), z.lte(1)),
  /** …and at least this many times it. */
  errorRateFactor: z.number().check(z.gte(1)),
  /** The new version regresses when its average duration is this many times the old one's. */
  maxDurationRatio: z.number().check(z.gt(1)),
});

export type CanaryGuardrails = z.infer<typeof canaryGuardrailsSchema>;

export interface RuntimeUpgradeGuardrails extends CanaryGuardrails {
  readonly approval: Readonly<Record<'dev' | 'staging' | 'prod', ApprovalMode>>;
  readonly stagingAlias: string;
  readonly productionAlias: string;
  /** The share of production traffic the canary sends to the new version. */
  readonly canaryWeight: number;
  /** Minutes between canary checks, and the most checks before too little traffic ends the canary. */
  readonly bakeMinutes: number;
  readonly maxBakeChecks: number;
  /** Seconds between checks of a configuration update, and the most checks. */
  readonly updatePollSeconds: number;
  readonly maxUpdateChecks: number;
  /** Runtimes deprecated within this many days count as due. */
  readonly horizonDays: number;
}

/**
 * Where the Lambda console keeps a function's shareable test events: one OpenAPI 3 schema per
 * function in this EventBridge Schemas registry, each event an entry of `components.examples`
 * (https://docs.aws.amazon.com/lambda/latest/dg/testing-functions.html).
 */
export const testEventRegistry = 'lambda-testevent-schemas';
export const testEventSchemaName = (functionName: string) => `_${functionName}-schema`;

/** The function tag naming which of its shareable test events the smoke test sends (when it has several). */
export const testEventTag = 'runbook-test-event';
