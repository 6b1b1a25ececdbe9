import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetAliasCommand, LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { foundMade } from '../lib/audit-trail.js';
import { defineStep } from '../lib/define-step.js';
import { ConfigurationChangedError } from '../lib/errors.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import type { AliasState } from './contract.js';
import { stateOf } from './function-state.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  functionName: nonEmptyString(),
  alias: nonEmptyString(),
  functionVersion: nonEmptyString(),
  /** The one other version the alias sends a share of traffic to (a canary), or none. */
  additional: z.optional(
    z.nullable(z.object({ version: nonEmptyString(), weight: z.number().check(z.gt(0), z.lt(1)) })),
  ),
  /** The revision this run last saw (the plan's, or its own last change): anyone else's change is not overwritten. */
  expectRevisionId: nonEmptyString(),
  purpose: z.enum(['staging', 'canary', 'promote', 'rollback']),
});

export type SetAliasRoutingInput = z.input<typeof inputSchema>;

/** The alias's routing after the step, and when this run changed it (or found it set). */
export type RoutedAlias = AliasState & { readonly changedAt: string };

const sameRouting = (alias: AliasState, version: string, weights: Record<string, number>) =>
  alias.functionVersion === version &&
  Object.keys(alias.weights).length === Object.keys(weights).length &&
  Object.entries(weights).every(([v, w]) => alias.weights[v] === w);

/**
 * Points an alias at a version with the given extra weights: staging, the canary's split, the
 * promotion to 100%, or the rollback to exactly the routing the plan read. Conditional on the
 * revision this run last saw (Lambda's `RevisionId`); a retry that finds the routing set returns it.
 */
export const setAliasRouting: StepCore<SetAliasRoutingInput, RoutedAlias, 'lambda'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'set-alias-routing');
  const lambda = deps.clients.lambda;
  const weights: Record<string, number> = input.additional
    ? { [input.additional.version]: input.additional.weight }
    : {};
  const current = stateOf(
    await lambda.send(new GetAliasCommand({ FunctionName: input.functionName, Name: input.alias })),
  );
  const changedAt = deps.now().toISOString();
  const record = (action: string, before: unknown, after: AliasState, requestIds: readonly string[]) =>
    deps.audit.record({
      at: changedAt,
      executionId: input.executionId,
      runbook: input.runbook,
      step: 'set-alias-routing',
      kind: 'runtime-upgrade',
      action,
      target: `lambda:${input.functionName}:${input.alias}`,
      before,
      after: { functionVersion: after.functionVersion, weights: after.weights },
      requestIds,
    });
  if (sameRouting(current, input.functionVersion, weights)) {
    // Set, at a revision this run did not see: an earlier attempt's update took effect and its
    // answer was lost (a timeout, a cut-off). The change is this run's, on record.
    if (current.revisionId !== input.expectRevisionId)
      await record(
        foundMade(`${input.purpose}: route ${input.functionName}:${input.alias}`),
        { revisionId: input.expectRevisionId },
        current,
        [],
      );
    return { ...current, changedAt };
  }
  if (current.revisionId !== input.expectRevisionId)
    throw new ConfigurationChangedError(
      `${input.functionName}:${input.alias} changed since this run last saw it (now version ${current.functionVersion}); not overwriting someone else's change`,
    );
  const response = await lambda.send(
    new UpdateAliasCommand({
      FunctionName: input.functionName,
      Name: input.alias,
      FunctionVersion: input.functionVersion,
      RoutingConfig: { AdditionalVersionWeights: weights },
      RevisionId: input.expectRevisionId,
    }),
  );
  const updated = stateOf(response);
  await record(
    `${input.purpose}: route ${input.functionName}:${input.alias}`,
    { functionVersion: current.functionVersion, weights: current.weights },
    updated,
    requestIdsOf(response),
  );
  return { ...updated, changedAt };
};

// Stryker disable all: a step's clients and permissions are checked by the IAM tests (each
// permission removed in turn fails a game day), which mutation runs leave out.
/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'set-alias-routing',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: setAliasRouting,
  audits: DynamoDBClient,
  permissions: [{ actions: ['lambda:GetAlias', 'lambda:UpdateAlias'], on: 'target-functions' }],
});
// Stryker restore all

export const handler = step.handler;
