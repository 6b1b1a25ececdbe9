import { GetProvisionedConcurrencyConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  functionName: nonEmptyString(),
  qualifier: nonEmptyString(),
  checks: nonNegativeInt(),
});

export type CheckProvisionedConcurrencyInput = z.input<typeof inputSchema>;

export interface ProvisioningStatus {
  readonly status: string;
  readonly ready: boolean;
  readonly failed: boolean;
  readonly statusReason: string;
  readonly allocated: number;
  readonly checks: number;
  readonly checkedAt: string;
}

/** How the allocation of provisioned concurrency is going: IN_PROGRESS, then READY or FAILED (Lambda documents no duration). */
export const checkProvisionedConcurrency: StepCore<
  CheckProvisionedConcurrencyInput,
  ProvisioningStatus,
  'lambda'
> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'check-provisioned-concurrency');
  const config = await deps.clients.lambda.send(
    new GetProvisionedConcurrencyConfigCommand({
      FunctionName: input.functionName,
      Qualifier: input.qualifier,
    }),
  );
  const status = config.Status ?? 'UNKNOWN';
  return {
    status,
    ready: status === 'READY',
    failed: status === 'FAILED',
    statusReason: config.StatusReason ?? '',
    allocated: config.AllocatedProvisionedConcurrentExecutions ?? 0,
    checks: input.checks + 1,
    checkedAt: deps.now().toISOString(),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'check-provisioned-concurrency',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: checkProvisionedConcurrency,
  permissions: [{ actions: ['lambda:GetProvisionedConcurrencyConfig'], on: 'target-functions' }],
});

export const handler = step.handler;
