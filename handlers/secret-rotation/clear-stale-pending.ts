import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { ConfigurationChangedError } from '../lib/errors.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { versionWith } from './contract.js';
import { currentVersions, removeLabel } from './secret-labels.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  secretId: nonEmptyString(),
  /** The version preflight found AWSPENDING on. */
  versionId: nonEmptyString(),
});

export type ClearStalePendingInput = z.input<typeof inputSchema>;

export interface ClearedPending {
  readonly cleared: boolean;
  readonly versionId: string;
}

/**
 * Removes the AWSPENDING label an unfinished rotation left on `versionId`, so Secrets Manager
 * accepts a new rotation. The version itself stays (deprecated, readable by id). Safe to repeat: a
 * label already gone changes nothing; a label that moved to another version means someone else's
 * rotation is running, and it is left alone.
 */
export const clearStalePending: StepCore<ClearStalePendingInput, ClearedPending, 'secretsManager'> = async (
  rawInput,
  deps,
) => {
  const { executionId, runbook, secretId, versionId } = parseInput(
    inputSchema,
    rawInput,
    'clear-stale-pending',
  );
  const sm = deps.clients.secretsManager;
  const versions = await currentVersions(sm, secretId);
  const pending = versionWith(versions, 'AWSPENDING');
  if (pending === null || pending === versionWith(versions, 'AWSCURRENT'))
    return { cleared: false, versionId };
  if (pending !== versionId)
    throw new ConfigurationChangedError(
      `AWSPENDING is now on version ${pending}, not ${versionId}: another rotation started; not touching it`,
    );
  const removed = await removeLabel(sm, secretId, 'AWSPENDING', versionId);
  await deps.audit.record({
    at: deps.now().toISOString(),
    executionId,
    runbook,
    step: 'clear-stale-pending',
    kind: 'rotation',
    action: 'remove the AWSPENDING label left by an unfinished rotation',
    target: secretId,
    before: { AWSPENDING: versionId },
    after: { AWSPENDING: null },
    requestIds: requestIdsOf(removed),
  });
  return { cleared: true, versionId };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'clear-stale-pending',
  module: import.meta.url,
  clients: { secretsManager: SecretsManagerClient },
  core: clearStalePending,
  audits: DynamoDBClient,
  permissions: [
    {
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:UpdateSecretVersionStage'],
      on: 'rotated-secrets',
    },
  ],
});

export const handler = step.handler;
