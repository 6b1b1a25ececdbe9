import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const settingsSchema = z.object({ runtime: nonEmptyString(), environment: z.record(z.string(), z.string()) });

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  functionName: nonEmptyString(),
  to: settingsSchema,
  /** `$LATEST`'s revision the plan read: someone else's change since is not overwritten. Null: any. */
  expectRevisionId: z.optional(z.nullable(z.string())),
  purpose: z.enum(['upgrade', 'revert']),
});

export type UpdateConfigurationInput = z.input<typeof inputSchema>;

export interface UpdatedConfiguration {
  readonly changed: boolean;
  readonly updatedAt: string;
}

const same = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Sets `$LATEST`'s runtime and environment variables (the upgrade, or its revert). A retry that
 * finds them set changes nothing; the update is conditional on the revision the plan read, so a
 * concurrent deploy is refused by Lambda (PreconditionFailedException) rather than overwritten.
 */
export const updateConfiguration: StepCore<UpdateConfigurationInput, UpdatedConfiguration, 'lambda'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'update-configuration');
  const lambda = deps.clients.lambda;
  const current = await lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: input.functionName }),
  );
  const updatedAt = deps.now().toISOString();
  const env = current.Environment?.Variables ?? {};
  if (current.Runtime === input.to.runtime && same(env, input.to.environment))
    return { changed: false, updatedAt };
  const updated = await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: input.functionName,
      Runtime: input.to.runtime as never,
      Environment: { Variables: { ...input.to.environment } },
      ...(input.expectRevisionId ? { RevisionId: input.expectRevisionId } : {}),
    }),
  );
  await deps.audit.record({
    at: updatedAt,
    executionId: input.executionId,
    runbook: input.runbook,
    step: 'update-configuration',
    kind: 'runtime-upgrade',
    action:
      input.purpose === 'upgrade'
        ? 'update the function configuration'
        : 'put the previous function configuration back',
    target: `lambda:${input.functionName}`,
    before: { runtime: current.Runtime, environment: Object.keys(env).sort() },
    after: { runtime: input.to.runtime, environment: Object.keys(input.to.environment).sort() },
    requestIds: requestIdsOf(updated),
  });
  return { changed: true, updatedAt };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'update-configuration',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: updateConfiguration,
  audits: DynamoDBClient,
  permissions: [
    {
      actions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'],
      on: 'target-functions',
    },
  ],
});

export const handler = step.handler;
