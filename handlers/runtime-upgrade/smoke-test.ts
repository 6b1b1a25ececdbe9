import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import type { Finding } from '../lib/finding.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  functionName: nonEmptyString(),
  version: nonEmptyString(),
  testEvent: z.unknown(),
});

export type SmokeTestInput = z.input<typeof inputSchema>;

export interface SmokeTest extends Finding {
  readonly passed: boolean;
  /** The error type the function reported; its message is the function's own text and is not kept. */
  readonly errorType: string | null;
}

/** Invokes the new version once with the function's test event; a function error fails the test. */
export const smokeTest: StepCore<SmokeTestInput, SmokeTest, 'lambda'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'smoke-test');
  const response = await deps.clients.lambda.send(
    new InvokeCommand({
      FunctionName: input.functionName,
      Qualifier: input.version,
      Payload: new TextEncoder().encode(JSON.stringify(input.testEvent ?? {})),
    }),
  );
  if (!response.FunctionError) return { passed: true, errorType: null };
  let errorType = response.FunctionError;
  try {
    const body = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array())) as {
      errorType?: string;
    };
    errorType = body.errorType ?? errorType;
  } catch {
    // A payload that is not JSON still failed the test.
  }
  return { passed: false, errorType, problem: `the new version failed its smoke test (${errorType})` };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'smoke-test',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: smokeTest,
  permissions: [{ actions: ['lambda:InvokeFunction'], on: 'target-functions' }],
});

export const handler = step.handler;
