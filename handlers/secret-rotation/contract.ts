import * as z from 'zod/mini';
import type { ApprovalMode } from '../lib/approval-mode.js';
import type { Finding } from '../lib/finding.js';
import { manualStartSchema } from '../lib/manual-start-input.js';
import { nonEmptyString } from '../lib/schemas.js';

/** Secrets Manager's RotationFailed event, as the dispatcher hands it on. */
export const rotationFailedSchema = z.looseObject({
  rotationFailed: z.looseObject({ secretId: nonEmptyString(), failedAt: nonEmptyString() }),
});

/** What starts the runbook: a person, a schedule, or a rotation that failed on its own. */
export const secretRotationInputSchema = z.union([manualStartSchema, rotationFailedSchema]);

/** A consumer's health check: a function alias that reads the secret fresh and logs in with it. */
export interface Consumer {
  readonly functionName: string;
  readonly alias: string;
}

/** A version of the secret by id, with its staging labels: never its value. */
export interface VersionStages {
  readonly versionId: string;
  readonly stages: readonly string[];
}

/** What preflight found, and what the runbook will do about it. */
export interface SecretInspection {
  readonly secretId: string;
  readonly secretName: string;
  readonly rotationFunction: string | null;
  readonly versions: readonly VersionStages[];
  readonly currentVersion: string;
  /** An AWSPENDING version left by an earlier rotation on another version than AWSCURRENT. */
  readonly stalePending: string | null;
  readonly consumers: readonly Consumer[];
  /** `rotate`; `clear-then-rotate` (after approval where policy says so); `escalate`: a human decides. */
  readonly action: 'rotate' | 'clear-then-rotate' | 'escalate';
  readonly approval: ApprovalMode;
  readonly summary: string;
  readonly reason: string;
  readonly inspectedAt: string;
}

/** How the rotation is going, read from the version stages. */
export interface RotationCheck extends Finding {
  readonly status: 'succeeded' | 'in-progress' | 'failed';
  readonly checks: number;
  readonly versions: readonly VersionStages[];
  readonly reason: string;
  readonly checkedAt: string;
}

/** One consumer's health check. */
export interface ConsumerHealth {
  readonly consumer: string;
  readonly healthy: boolean;
  /** The version the consumer read, as it reports it. */
  readonly versionId: string | null;
  readonly reason: string;
}

export interface ConsumerCheck extends Finding {
  readonly allHealthy: boolean;
  readonly consumers: readonly ConsumerHealth[];
  readonly checkedAt: string;
}

/** Bounds of the runbook, carried in its definition. */
export interface SecretRotationGuardrails {
  /** Approval per environment for clearing a stale AWSPENDING label. */
  readonly approval: Readonly<Record<'dev' | 'staging' | 'prod', ApprovalMode>>;
  /** Seconds between checks of the rotation, and the most checks before it counts as failed. */
  readonly rotationPollSeconds: number;
  readonly maxRotationChecks: number;
  /** The most consumers one run checks. */
  readonly maxConsumers: number;
}

/** The secret tag naming consumers' health checks: `function:alias` entries separated by spaces. */
export const consumersTag = 'runbook-consumers';

/** Versions and their labels from DescribeSecret's `VersionIdsToStages`, sorted for stable reports. */
export function versionsOf(versionIdsToStages: Record<string, string[]> | undefined): VersionStages[] {
  return Object.entries(versionIdsToStages ?? {})
    .map(([versionId, stages]) => ({ versionId, stages: [...stages].sort() }))
    .sort((a, b) => a.versionId.localeCompare(b.versionId));
}

/** The version a label is on, if any. */
export function versionWith(versions: readonly VersionStages[], stage: string): string | null {
  return versions.find((v) => v.stages.includes(stage))?.versionId ?? null;
}
