import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { lambdaEntry } from '../lib/lambda-entry.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({ functionName: nonEmptyString(), checks: nonNegativeInt() });

export type CheckUpdateInput = z.input<typeof inputSchema>;

export interface UpdateCheck {
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
  return {
    status: (config.LastUpdateStatus ?? 'Successful') as UpdateCheck['status'],
    reason: config.LastUpdateStatusReason ?? null,
    checks: input.checks + 1,
    revisionId: config.RevisionId ?? '',
  };
};

export const handler = lambdaEntry(checkUpdate, { lambda: LambdaClient });
