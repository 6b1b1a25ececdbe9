import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { problemIf } from '../lib/finding.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import type { Consumer, ConsumerCheck, ConsumerHealth } from './contract.js';

const inputSchema = z.object({
  secretId: nonEmptyString(),
  consumers: z.array(z.object({ functionName: nonEmptyString(), alias: nonEmptyString() })),
  /** The version every consumer must have read; null when any current version will do. */
  expectVersionId: z.nullable(z.string()),
});

export type CheckConsumersInput = z.input<typeof inputSchema>;

/**
 * What a consumer's health check answers to `{ runbookHealthCheck: { secretId } }`: whether it
 * could log in with the secret read fresh (not from its cache), and the version it read.
 */
const healthAnswerSchema = z.object({
  healthy: z.boolean(),
  versionId: z.optional(z.string()),
  reason: z.optional(z.string().check(z.maxLength(500))),
});

async function checkOne(
  lambda: LambdaClient,
  secretId: string,
  consumer: Consumer,
  expectVersionId: string | null,
): Promise<ConsumerHealth> {
  const name = `${consumer.functionName}:${consumer.alias}`;
  const unhealthy = (reason: string, versionId: string | null = null) => ({
    consumer: name,
    healthy: false,
    versionId,
    reason,
  });
  let response: InvokeCommandOutput;
  try {
    response = await lambda.send(
      new InvokeCommand({
        FunctionName: consumer.functionName,
        Qualifier: consumer.alias,
        Payload: new TextEncoder().encode(JSON.stringify({ runbookHealthCheck: { secretId } })),
      }),
    );
  } catch (error) {
    return unhealthy(`could not invoke the health check: ${(error as Error).name}`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()));
  } catch {
    return unhealthy('the health check answered something other than JSON');
  }
  // An error's message is the consumer's own text and may quote what it read: only its type is kept.
  if (response.FunctionError)
    return unhealthy(
      `the health check failed with ${(answer as { errorType?: string } | null)?.errorType ?? 'an error'}`,
    );
  const parsed = healthAnswerSchema.safeParse(answer);
  if (!parsed.success) return unhealthy('the health check answered without a healthy flag');
  const { healthy, versionId = null, reason } = parsed.data;
  if (!healthy) return unhealthy(reason ?? 'the health check reports unhealthy', versionId);
  if (expectVersionId && versionId !== expectVersionId)
    return unhealthy(
      `read version ${versionId ?? '(not reported)'}, not ${expectVersionId}: the health check does not read the secret fresh`,
      versionId,
    );
  return { consumer: name, healthy: true, versionId, reason: reason ?? 'logged in' };
}

/** Invokes every consumer's health check alias, together; all must be healthy. Reads only. */
export const checkConsumers: StepCore<CheckConsumersInput, ConsumerCheck, 'lambda'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'check-consumers');
  const consumers = await Promise.all(
    input.consumers.map((c) => checkOne(deps.clients.lambda, input.secretId, c, input.expectVersionId)),
  );
  const failing = consumers.filter((c) => !c.healthy);
  return {
    allHealthy: failing.length === 0,
    consumers,
    checkedAt: deps.now().toISOString(),
    ...problemIf(
      failing.length > 0,
      () =>
        `consumers cannot use the secret: ${failing.map((c) => `${c.consumer} (${c.reason})`).join(', ')}`,
    ),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'check-consumers',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: checkConsumers,
  permissions: [{ actions: ['lambda:InvokeFunction'], on: 'rotation-consumers' }],
});

export const handler = step.handler;
