import * as z from 'zod/mini';
import type { ApprovalMode } from '../lib/approval-mode.js';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import type { StepCore } from '../lib/step-deps.js';
import { spikeGuardrailsSchema } from './contract.js';
import type { Evidence, PublishedVersion } from './gather-evidence.js';

const inputSchema = z.object({
  evidence: z.object({
    alarm: z.object({ stateChangedAt: z.string() }),
    alias: z.object({
      functionVersion: z.string(),
      additionalVersionWeights: z.record(z.string(), z.number()),
    }),
    versions: z.array(z.object({ version: z.string(), publishedAt: z.string() })),
    target: z.object({ functionName: z.string(), alias: z.string() }),
  }),
  guardrails: spikeGuardrailsSchema,
});

export interface DecideInput {
  readonly evidence: Evidence;
  readonly guardrails: z.input<typeof spikeGuardrailsSchema>;
}

/** What the runbook decided and why; the Choice states branch on `action` and `approval`. */
export interface Decision {
  readonly action: 'rollback' | 'escalate';
  readonly reason: string;
  readonly suspect?: PublishedVersion & { readonly minutesBeforeAlarm: number };
  /** The alias configuration a rollback sets: one version, no weighted routing. */
  readonly rollbackTo?: string;
  readonly approval: ApprovalMode;
  readonly maxVerifyChecks: number;
  readonly recoveredErrorRate: number;
  /** One line for humans: what is proposed. */
  readonly summary: string;
}

/**
 * Decides whether a recent deploy explains the spike: a version the alias routes to that was
 * published within the suspect window before the alarm. The rollback target is the alias's primary
 * version when the suspect is a canary, otherwise the newest older published version.
 */
export const decideRemediation: StepCore<DecideInput, Decision> = async (rawInput, deps) => {
  const { evidence, guardrails } = parseInput(inputSchema, rawInput, 'decide-remediation');
  const alarmAt = Date.parse(evidence.alarm.stateChangedAt);
  const aliasName = `${evidence.target.functionName}:${evidence.target.alias}`;
  const routed = new Set([
    evidence.alias.functionVersion,
    ...Object.keys(evidence.alias.additionalVersionWeights),
  ]);
  const common = {
    approval: guardrails.approval[deps.environment] ?? 'human',
    maxVerifyChecks: guardrails.maxVerifyChecks,
    recoveredErrorRate: guardrails.recoveredErrorRate,
  } as const;

  const suspects = evidence.versions
    .filter((v) => routed.has(v.version))
    .map((v) => ({ ...v, minutesBeforeAlarm: (alarmAt - Date.parse(v.publishedAt)) / 60_000 }))
    .filter((v) => v.minutesBeforeAlarm >= 0 && v.minutesBeforeAlarm <= guardrails.suspectWindowMinutes)
    .sort((a, b) => Number(b.version) - Number(a.version));
  const suspect = suspects[0];
  if (!suspect) {
    const reason = `no version routed by ${aliasName} was published within ${guardrails.suspectWindowMinutes} minutes before the alarm`;
    return { action: 'escalate', reason, ...common, summary: `Escalate: ${reason}` };
  }

  const isCanary = suspect.version !== evidence.alias.functionVersion;
  const rollbackTo = isCanary
    ? evidence.alias.functionVersion
    : evidence.versions
        .filter((v) => Number(v.version) < Number(suspect.version))
        .sort((a, b) => Number(b.version) - Number(a.version))[0]?.version;
  const minutes = Math.round(suspect.minutesBeforeAlarm);
  if (!rollbackTo) {
    const reason = `version ${suspect.version} is suspect (published ${minutes} min before the alarm) but no older version exists`;
    return { action: 'escalate', reason, suspect, ...common, summary: `Escalate: ${reason}` };
  }
  const reason = `version ${suspect.version} was published ${minutes} min before the alarm${isCanary ? ' and receives canary traffic' : ''}`;
  return {
    action: 'rollback',
    reason,
    suspect,
    rollbackTo,
    ...common,
    summary: `Roll ${aliasName} back from version ${suspect.version} to ${rollbackTo}: ${reason}`,
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'decide-remediation',
  module: import.meta.url,
  clients: {},
  core: decideRemediation,
  permissions: [],
});

export const handler = step.handler;
