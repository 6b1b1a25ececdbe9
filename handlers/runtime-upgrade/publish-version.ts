import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { ConfigurationChangedError } from '../lib/errors.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  functionName: nonEmptyString(),
  /** The runtime the version must run: a version of anything else is not this upgrade's. */
  runtime: nonEmptyString(),
  revisionId: nonEmptyString(),
});

export type PublishVersionInput = z.input<typeof inputSchema>;

export interface PublishedVersion {
  readonly version: string;
}

/**
 * Publishes `$LATEST` as the version the canary serves, conditional on the revision the update
 * left. Lambda publishes nothing new when nothing changed since the last version, so a retry gets
 * the same version back.
 */
export const publishVersion: StepCore<PublishVersionInput, PublishedVersion, 'lambda'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'publish-version');
  const published = await deps.clients.lambda.send(
    new PublishVersionCommand({ FunctionName: input.functionName, RevisionId: input.revisionId }),
  );
  if (published.Runtime !== input.runtime || !published.Version)
    throw new ConfigurationChangedError(
      `published version ${published.Version} runs ${published.Runtime}, not ${input.runtime}: the function changed under the upgrade`,
    );
  await deps.audit.record({
    at: deps.now().toISOString(),
    executionId: input.executionId,
    runbook: input.runbook,
    step: 'publish-version',
    kind: 'runtime-upgrade',
    action: 'publish a version',
    target: `lambda:${input.functionName}`,
    before: null,
    after: { version: published.Version, runtime: published.Runtime },
    requestIds: requestIdsOf(published),
  });
  return { version: published.Version };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'publish-version',
  module: import.meta.url,
  clients: { lambda: LambdaClient },
  core: publishVersion,
  audits: DynamoDBClient,
  permissions: [{ actions: ['lambda:PublishVersion'], on: 'target-functions' }],
});

export const handler = step.handler;
