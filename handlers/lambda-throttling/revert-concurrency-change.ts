import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { ConfigurationChangedError } from '../lib/errors.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { changedResource, changeKindOf, currentValue, setValue } from './concurrency-api.js';
import type { ConcurrencyChange } from './contract.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  change: z.custom<ConcurrencyChange>(
    (v) => typeof v === 'object' && v !== null && 'kind' in v && 'functionName' in v && 'from' in v,
    'is not a concurrency change',
  ),
});

export type RevertConcurrencyChangeInput = z.input<typeof inputSchema>;

export interface RevertedChange {
  readonly reverted: boolean;
  readonly restored: number | null;
  readonly revertedAt: string;
}

/**
 * Puts back exactly the configuration the change replaced (removing a setting that did not exist
 * before), when the setting holds what the change set. Setting a value is idempotent: a retry
 * that finds it restored changes nothing.
 */
export const revertConcurrencyChange: StepCore<
  RevertConcurrencyChangeInput,
  RevertedChange,
  'lambda'
> = async (rawInput, deps) => {
  const { executionId, runbook, change } = parseInput(inputSchema, rawInput, 'revert-concurrency-change');
  const revertedAt = deps.now().toISOString();
  const current = await currentValue(deps.clients.lambda, change);
  if (current === change.from) return { reverted: false, restored: change.from, revertedAt };
  // After a failed apply, the change may never have been made: a value that is neither is
  // someone else's, and stays.
  if (current !== change.to)
    throw new ConfigurationChangedError(
      `${changedResource(change)} is ${current ?? 'unset'}, neither ${change.to ?? 'unset'} as the runbook set it nor ${change.from ?? 'unset'} as it was; not overwriting someone else's change`,
    );
  const made = await setValue(deps.clients.lambda, change, change.from);
  await deps.audit.record({
    at: revertedAt,
    executionId,
    runbook,
    step: 'revert-concurrency-change',
    kind: changeKindOf(change),
    action: `restore ${changedResource(change)}`,
    target: changedResource(change),
    before: current,
    after: change.from,
    requestIds: requestIdsOf(made),
  });
  return { reverted: true, restored: change.from, revertedAt };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'revert-concurrency-change',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: revertConcurrencyChange,
  audits: DynamoDBClient,
  permissions: [
    {
      actions: [
        'lambda:GetFunctionConcurrency',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'lambda:DeleteProvisionedConcurrencyConfig',
      ],
      on: 'target-functions',
    },
    {
      actions: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
      on: 'target-event-source-mappings',
    },
  ],
});

export const handler = step.handler;
