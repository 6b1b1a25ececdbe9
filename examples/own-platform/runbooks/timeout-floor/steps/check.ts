import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { approvalModes, defineStep, environments, parseInput, parseTarget, type StepCore, type StepDeps, targetKey, TargetNotResolvedError } from 'lambda-runbooks';
import { type Check, inputSchema as executionInputSchema } from '../contract.js';

const inputSchema = z.object({
  executionInput: executionInputSchema,
  minimum: z.int(),
  /** Who approves a change, per environment (the runbook's policy). */
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
});

/** The timeout the function holds now. */
export async function readValue(clients: StepDeps<'lambda'>['clients'], name: string): Promise<number> {
  const configuration = await clients.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: name }),
  );
  return configuration.Timeout ?? 3;
}

/** The target's name: as the dispatcher locked it, else as the person named it. */
function nameOf(input: z.infer<typeof executionInputSchema>): string {
  const key = input.dispatch?.target ?? input.manualStart.target;
  const target = parseTarget(key);
  if (target.kind !== 'function') throw new TargetNotResolvedError(`${targetKey(target)} is not a function`);
  return target.functionName;
}

/** Reads the timeout and decides: raise it to the minimum, or nothing to do. Changes nothing. */
export const check: StepCore<z.input<typeof inputSchema>, Check, 'lambda'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'timeout-floor-check');
  const name = nameOf(input.executionInput);
  const value = await readValue(deps.clients, name);
  const action = value < input.minimum ? 'change' : 'none';
  return {
    name,
    value,
    minimum: input.minimum,
    action,
    approval: input.approval[deps.environment],
    summary:
      action === 'change'
        ? `raise ${name}'s timeout from ${value} to ${input.minimum}`
        : `${name}'s timeout is ${value}, at least ${input.minimum}`,
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
