import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  ConfigurationChangedError,
  defineStep,
  nonEmptyString,
  parseInput,
  type StepCore,
} from 'lambda-runbooks';
import * as z from 'zod/mini';
import { readTimeout } from './check.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  name: nonEmptyString(),
  /** What the function must have now; anything else means someone else changed it. */
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
 * function has neither, so a person's change is never overwritten.
 */
export const apply: StepCore<z.input<typeof inputSchema>, Applied, 'lambda'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'timeout-floor-apply');
  const current = await readTimeout(deps.clients, input.name);
  if (current === input.to) return { changed: false, before: current, after: current };
  if (current !== input.from)
    throw new ConfigurationChangedError(
      `${input.name}'s timeout is ${current} s, not ${input.from} s: changed by someone else`,
    );
  await deps.clients.lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: input.name, Timeout: input.to }),
  );
  deps.audit.record({
    at: deps.now().toISOString(),
    executionId: input.executionId,
    runbook: input.runbook,
    step: 'timeout-floor-apply',
    action: 'set timeout',
    target: input.name,
    before: current,
    after: input.to,
  });
  return { changed: true, before: current, after: input.to };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'timeout-floor-apply',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: apply,
  permissions: [
    {
      actions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'],
      on: 'target-functions',
    },
  ],
});

export const handler = step.handler;
