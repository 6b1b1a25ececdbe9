import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { foundMade } from '../lib/audit-trail.js';
import { defineStep } from '../lib/define-step.js';
import { ConfigurationChangedError } from '../lib/errors.js';
import { idempotentStep } from '../lib/idempotent-step.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { changedResource, changeKindOf, currentValue, setValue } from './concurrency-api.js';
import { describeChange } from './concurrency-change.js';
import type { ConcurrencyChange } from './contract.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  change: z.custom<ConcurrencyChange>(
    (v) => typeof v === 'object' && v !== null && 'kind' in v && 'functionName' in v && 'to' in v,
    'is not a concurrency change',
  ),
});

export type ApplyConcurrencyChangeInput = z.input<typeof inputSchema>;

export interface AppliedChange {
  readonly changed: boolean;
  /** The setting before the change, as found (what a revert puts back). */
  readonly before: number | null;
  readonly after: number;
  readonly appliedAt: string;
}

/**
 * Applies the decided concurrency change. Refuses (ConfigurationChangedError) when the setting is
 * neither what the decision saw nor already the target, so nobody's concurrent change is
 * overwritten; a retry that finds the target already set changes nothing and records the change
 * its earlier attempt made.
 */
const applyOnce: StepCore<ApplyConcurrencyChangeInput, AppliedChange, 'lambda'> = async (rawInput, deps) => {
  const { executionId, runbook, change } = parseInput(inputSchema, rawInput, 'apply-concurrency-change');
  const appliedAt = deps.now().toISOString();
  const record = (action: string, requestIds: readonly string[]) =>
    deps.audit.record({
      at: appliedAt,
      executionId,
      runbook,
      step: 'apply-concurrency-change',
      kind: changeKindOf(change),
      action,
      target: changedResource(change),
      before: change.from,
      after: change.to,
      requestIds,
    });
  const current = await currentValue(deps.clients.lambda, change);
  if (current === change.to) {
    // The decision saw `from`, and a change is never to the same value: an earlier attempt's
    // call took effect and its answer was lost (a timeout, a cut-off). The change is this run's.
    await record(foundMade(describeChange(change)), []);
    return { changed: true, before: change.from, after: change.to, appliedAt };
  }
  if (current !== change.from) {
    throw new ConfigurationChangedError(
      `${changedResource(change)} is ${current ?? 'unset'}, not ${change.from ?? 'unset'} as decided; not overwriting someone else's change`,
    );
  }
  const made = await setValue(deps.clients.lambda, change, change.to);
  await record(describeChange(change), requestIdsOf(made));
  return { changed: true, before: change.from, after: change.to, appliedAt };
};

/** The step, idempotent on `[executionId, change]`: a retry returns the first result instead of acting twice. */
export const applyConcurrencyChange = idempotentStep(
  'apply-concurrency-change',
  applyOnce,
  '[executionId, change]',
);

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'apply-concurrency-change',
  module: import.meta.url,
  clients: { lambda: LambdaClient, dynamodb: DynamoDBClient },
  core: applyConcurrencyChange,
  audits: DynamoDBClient,
  permissions: [
    {
      actions: [
        'lambda:GetFunctionConcurrency',
        'lambda:PutFunctionConcurrency',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
      ],
      on: 'target-functions',
    },
    {
      actions: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
      on: 'target-event-source-mappings',
    },
  ],
  idempotent: true,
});

export const handler = step.handler;
