import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetAliasCommand, LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { foundMade } from '../lib/audit-trail.js';
import { defineStep } from '../lib/define-step.js';
import { AliasChangedError } from '../lib/errors.js';
import { idempotentStep } from '../lib/idempotent-step.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString, share } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const aliasConfig = z.object({
  functionVersion: z.string().check(z.regex(/^\d+$/, 'must be a published version number')),
  additionalVersionWeights: z.record(z.string(), share()),
});

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  target: z.object({
    functionName: nonEmptyString(),
    alias: nonEmptyString(),
  }),
  /** The configuration the decision was based on; anything else means someone changed the alias. */
  expected: z.extend(aliasConfig, { revisionId: nonEmptyString() }),
  rollbackTo: z.string().check(z.regex(/^\d+$/, 'must be a published version number')),
});

export type RollbackInput = z.input<typeof inputSchema>;
type AliasConfig = z.infer<typeof aliasConfig>;

export interface RollbackResult {
  readonly changed: boolean;
  readonly before: AliasConfig;
  readonly after: AliasConfig;
  readonly rolledBackAt: string;
}

function sameRouting(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Points the alias at `rollbackTo` with no weighted routing. Idempotent: when a retry finds the
 * alias already there it changes nothing. Refuses (AliasChangedError) when the alias is in neither
 * the expected nor the target state, so a human's concurrent change is never overwritten; the
 * update itself is conditional on the revision id seen when the decision was made.
 */
const rollbackAliasOnce: StepCore<RollbackInput, RollbackResult, 'lambda'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'rollback-alias');
  const { functionName, alias } = input.target;
  const target: AliasConfig = { functionVersion: input.rollbackTo, additionalVersionWeights: {} };
  const before: AliasConfig = {
    functionVersion: input.expected.functionVersion,
    additionalVersionWeights: input.expected.additionalVersionWeights,
  };
  const current = await deps.clients.lambda.send(
    new GetAliasCommand({ FunctionName: functionName, Name: alias }),
  );
  const currentConfig: AliasConfig = {
    functionVersion: current.FunctionVersion ?? '',
    additionalVersionWeights: current.RoutingConfig?.AdditionalVersionWeights ?? {},
  };
  const rolledBackAt = deps.now().toISOString();
  const record = (action: string, from: AliasConfig, to: AliasConfig, requestIds: readonly string[]) =>
    deps.audit.record({
      at: rolledBackAt,
      executionId: input.executionId,
      runbook: input.runbook,
      step: 'rollback-alias',
      kind: 'alias-rollback',
      action,
      target: `${functionName}:${alias}`,
      before: from,
      after: to,
      requestIds,
    });

  if (
    currentConfig.functionVersion === target.functionVersion &&
    sameRouting(currentConfig.additionalVersionWeights, {})
  ) {
    // Found rolled back, with the decision seeing it elsewhere: an earlier attempt's update took
    // effect and its answer was lost (a timeout, a cut-off). The change is this run's, on record.
    if (current.RevisionId === input.expected.revisionId)
      return { changed: false, before, after: currentConfig, rolledBackAt };
    await record(foundMade('lambda:UpdateAlias'), before, currentConfig, []);
    return { changed: true, before, after: currentConfig, rolledBackAt };
  }
  if (current.RevisionId !== input.expected.revisionId) {
    throw new AliasChangedError(
      `${functionName}:${alias} changed since the evidence was gathered ` +
        `(now version ${currentConfig.functionVersion}); not rolling back over someone else's change`,
    );
  }
  const updated = await deps.clients.lambda.send(
    new UpdateAliasCommand({
      FunctionName: functionName,
      Name: alias,
      FunctionVersion: target.functionVersion,
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: input.expected.revisionId,
    }),
  );
  const after: AliasConfig = {
    functionVersion: updated.FunctionVersion ?? target.functionVersion,
    additionalVersionWeights: updated.RoutingConfig?.AdditionalVersionWeights ?? {},
  };
  await record('lambda:UpdateAlias', currentConfig, after, requestIdsOf(updated));
  return { changed: true, before: currentConfig, after, rolledBackAt };
};

/** The step, idempotent on `[executionId, rollbackTo]`: a retry returns the first result instead of acting twice. */
export const rollbackAlias = idempotentStep('rollback-alias', rollbackAliasOnce, '[executionId, rollbackTo]');

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'rollback-alias',
  module: import.meta.url,
  clients: { lambda: LambdaClient, dynamodb: DynamoDBClient },
  core: rollbackAlias,
  audits: DynamoDBClient,
  permissions: [{ actions: ['lambda:GetAlias', 'lambda:UpdateAlias'], on: 'target-functions' }],
  idempotent: true,
});

export const handler = step.handler;
