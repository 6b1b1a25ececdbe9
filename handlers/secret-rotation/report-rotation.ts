import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import type { ClearedPending } from './clear-stale-pending.js';
import type { ConsumerCheck, RotationCheck, SecretInspection, VersionStages } from './contract.js';
import type { RolledBack } from './roll-back-rotation.js';
import { currentVersions } from './secret-labels.js';
import type { StartedRotation } from './start-rotation.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  state: z.looseObject({
    inspection: z.optional(z.custom<SecretInspection>()),
    cleared: z.optional(z.custom<ClearedPending>()),
    rotation: z.optional(z.custom<StartedRotation>()),
    check: z.optional(z.custom<RotationCheck>()),
    consumerCheck: z.optional(z.custom<ConsumerCheck>()),
    rollback: z.optional(z.custom<RolledBack>()),
    afterRollback: z.optional(z.custom<ConsumerCheck>()),
    escalation: z.optional(z.looseObject({ reason: z.string() })),
    failure: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  }),
});

export type ReportRotationInput = z.input<typeof inputSchema>;

/** `rotated`: new value current, consumers work; `rolled-back`: previous value current again, consumers work; else escalated. */
export type RotationOutcome = 'rotated' | 'rolled-back' | 'escalated';

/** What the runbook leaves behind: versions by id and stage before and after, consumers, timing. */
export interface RotationReport {
  readonly runbook: 'secret-rotation';
  readonly executionId: string;
  readonly outcome: RotationOutcome;
  readonly secretId: string | null;
  readonly summary: string;
  readonly versionsBefore: readonly VersionStages[];
  readonly versionsAfter: readonly VersionStages[];
  readonly newVersion: string | null;
  readonly stalePendingCleared: string | null;
  readonly rotation: RotationCheck | null;
  readonly consumers: ConsumerCheck | null;
  readonly rollback: RolledBack | null;
  readonly consumersAfterRollback: ConsumerCheck | null;
  readonly escalationReason: string | null;
  readonly reportedAt: string;
  readonly durationSeconds: number;
}

function outcomeOf(state: z.infer<typeof inputSchema>['state']): RotationOutcome {
  if (state.rollback)
    return state.rollback.restored && state.afterRollback?.allHealthy ? 'rolled-back' : 'escalated';
  if (state.escalation || state.failure) return 'escalated';
  return state.check?.status === 'succeeded' && state.consumerCheck?.allHealthy ? 'rotated' : 'escalated';
}

function summaryOf(outcome: RotationOutcome, state: z.infer<typeof inputSchema>['state']): string {
  const name = state.inspection?.secretName ?? 'the secret';
  const consumers = state.inspection?.consumers.length ?? 0;
  switch (outcome) {
    case 'rotated':
      return `${name} rotated to version ${state.rotation?.versionId}; ${consumers} consumer(s) log in with it`;
    case 'rolled-back':
      return `${name} rolled back to version ${state.rotation?.previousVersion}; consumers work again`;
    case 'escalated':
      return `${name}: escalated (${state.escalation?.reason ?? state.failure?.Error ?? state.check?.reason ?? 'consumers not healthy'})`;
  }
}

/** Writes the report; reads the versions as they are now, so the report shows what stayed. */
export const reportRotation: StepCore<ReportRotationInput, RotationReport, 'secretsManager'> = async (
  rawInput,
  deps,
) => {
  const { executionId, state } = parseInput(inputSchema, rawInput, 'report-rotation');
  const now = deps.now();
  const secretId = state.inspection?.secretId ?? null;
  const outcome = outcomeOf(state);
  const started = state.inspection ? Date.parse(state.inspection.inspectedAt) : now.getTime();
  return {
    runbook: 'secret-rotation',
    executionId,
    outcome,
    secretId,
    summary: summaryOf(outcome, state),
    versionsBefore: state.inspection?.versions ?? [],
    versionsAfter: secretId ? await currentVersions(deps.clients.secretsManager, secretId) : [],
    newVersion: state.rotation?.versionId ?? null,
    stalePendingCleared: state.cleared?.cleared ? state.cleared.versionId : null,
    rotation: state.check ?? null,
    consumers: state.consumerCheck ?? null,
    rollback: state.rollback ?? null,
    consumersAfterRollback: state.afterRollback ?? null,
    escalationReason: state.escalation?.reason ?? null,
    reportedAt: now.toISOString(),
    durationSeconds: Math.round((now.getTime() - started) / 1000),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'report-rotation',
  module: import.meta.url,
  clients: { secretsManager: SecretsManagerClient },
  core: reportRotation,
  permissions: [{ actions: ['secretsmanager:DescribeSecret'], on: 'rotated-secrets' }],
});

export const handler = step.handler;
