import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  approvalModes,
  defineStep,
  environments,
  parseInput,
  parseTarget,
  type StepCore,
  type StepDeps,
  TargetNotResolvedError,
  targetKey,
} from 'lambda-runbooks';
import * as z from 'zod/mini';
import { type Check, inputSchema as executionInputSchema } from '../contract.js';

const inputSchema = z.object({
  executionInput: executionInputSchema,
  minimum: z.int(),
  /** Who approves a change, per environment (the runbook's policy). */
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
});

/** The timeout (seconds) the function has now; Lambda's default is 3. */
export async function readTimeout(clients: StepDeps<'lambda'>['clients'], name: string): Promise<number> {
  const configuration = await clients.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: name }),
  );
  return configuration.Timeout ?? 3;
}

/** The target's name: as the dispatcher locked it, else as the person named it. */
function nameOf(input: z.infer<typeof executionInputSchema>): string {
  const target = parseTarget(input.dispatch?.target ?? input.manualStart.target);
  if (target.kind !== 'function') throw new TargetNotResolvedError(`${targetKey(target)} is not a function`);
  return target.functionName;
}

/** Reads the timeout and decides: raise it to the minimum, or nothing to do. Changes nothing. */
export const check: StepCore<z.input<typeof inputSchema>, Check, 'lambda'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'timeout-floor-check');
  const name = nameOf(input.executionInput);
  const value = await readTimeout(deps.clients, name);
  const action = value < input.minimum ? 'change' : 'none';
  return {
    name,
    value,
    minimum: input.minimum,
    action,
    approval: input.approval[deps.environment],
    summary:
      action === 'change'
        ? `raise ${name}'s timeout from ${value} s to ${input.minimum} s`
        : `${name}'s timeout is ${value} s, at least ${input.minimum} s`,
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'timeout-floor-check',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: check,
  permissions: [{ actions: ['lambda:GetFunctionConfiguration'], on: 'target-functions' }],
});

export const handler = step.handler;
