import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { type Finding, problemIf } from '../lib/finding.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({ functionName: nonEmptyString(), checks: nonNegativeInt() });

export type CheckUpdateInput = z.input<typeof inputSchema>;

export interface UpdateCheck extends Finding {
  readonly status: 'Successful' | 'InProgress' | 'Failed';
  readonly reason: string | null;
  readonly checks: number;
  readonly revisionId: string;
}

/** Where `$LATEST`'s last update stands (`LastUpdateStatus`), as waitUntilFunctionUpdatedV2 polls it. Reads only. */
export const checkUpdate: StepCore<CheckUpdateInput, UpdateCheck, 'lambda'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'check-update');
  const config = await deps.clients.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: input.functionName }),
  );
  const status = (config.LastUpdateStatus ?? 'Successful') as UpdateCheck['status'];
  const reason = config.LastUpdateStatusReason ?? null;
  return {
    status,
    reason,
    checks: input.checks + 1,
    revisionId: config.RevisionId ?? '',
    ...problemIf(
      status === 'Failed',
      () => `the configuration update failed: ${reason ?? 'no reason given'}`,
    ),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'check-update',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: checkUpdate,
  permissions: [{ actions: ['lambda:GetFunctionConfiguration'], on: 'target-functions' }],
});

export const handler = step.handler;
