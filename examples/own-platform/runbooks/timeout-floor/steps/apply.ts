import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { ConfigurationChangedError, defineStep, nonEmptyString, parseInput, requestIdsOf, type StepCore } from 'lambda-runbooks';
import { readValue } from './check.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  name: nonEmptyString(),
  /** What the target must hold now; anything else means someone else changed it. */
  from: z.int(),
  to: z.int(),
});

export interface Applied {
  readonly changed: boolean;
  readonly before: number;
  readonly after: number;
}

/**
 * Sets the timeout from `from` to `to`; the rollback is the same step the other way round.
 * Idempotent: a retry that finds `to` changes nothing. Refuses (ConfigurationChangedError) when the
 * target holds neither, so a person's change is never overwritten.
 */
export const apply: StepCore<z.input<typeof inputSchema>, Applied, 'lambda'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'timeout-floor-apply');
  const name = input.name;
  const current = await readValue(deps.clients, name);
  if (current === input.to) return { changed: false, before: current, after: current };
  if (current !== input.from)
    throw new ConfigurationChangedError(`${name}'s timeout is ${current}, not ${input.from}: changed by someone else`);
  const value = input.to;
  const made = await deps.clients.lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: value }),
  );
  await deps.audit.record({
    at: deps.now().toISOString(),
    executionId: input.executionId,
    runbook: input.runbook,
    step: 'timeout-floor-apply',
    action: 'set timeout',
    target: name,
    before: current,
    after: value,
    requestIds: requestIdsOf(made),
  });
  return { changed: true, before: current, after: value };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'timeout-floor-apply',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: apply,
  // It records its change: the audit table keeps it for the run's evidence record.
  audits: DynamoDBClient,
  permissions: [{ actions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'], on: 'target-functions' }],
});

export const handler = step.handler;
