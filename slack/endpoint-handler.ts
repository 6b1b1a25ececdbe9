import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { deployedEnvironment, requiredEnv, withPowertools } from '../handlers/lib/lambda-entry.js';
import type { CatalogueEntry } from '../runbooks/deployment.js';
import { deployedCredentials, deployedPolicy } from './lambda-config.js';
import { handleSlackRequest, type SlackEndpointDeps } from './slack-http.js';

let deps: SlackEndpointDeps | undefined;

/** The endpoint's configuration, read from the environment once per container. */
function endpointDeps(): SlackEndpointDeps {
  if (deps) return deps;
  const { lambda } = lazyClients({ lambda: LambdaClient });
  const workers = {
    command: requiredEnv('SLACK_COMMAND_WORKER_FUNCTION'),
    approval: requiredEnv('SLACK_APPROVAL_WORKER_FUNCTION'),
  };
  deps = {
    environment: deployedEnvironment(),
    policy: deployedPolicy(),
    catalogue: JSON.parse(requiredEnv('RUNBOOK_CATALOGUE')) as CatalogueEntry[],
    now: () => new Date(),
    signingSecret: async () => (await deployedCredentials()).signingSecret,
    defer: async (work) => {
      await lambda.send(
        new InvokeCommand({
          FunctionName: workers[work.kind],
          InvocationType: 'Event',
          Payload: JSON.stringify(work),
        }),
      );
    },
  };
  return deps;
}

/**
 * The Function URL Slack calls. It checks the signature, answers within Slack's three seconds and
 * hands anything that calls AWS to a worker function asynchronously: commands to one, approval
 * answers to the other.
 */
export const handler = withPowertools(
  async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const response = await handleSlackRequest(
      { method: event.requestContext.http.method, path: event.rawPath, headers, body },
      endpointDeps(),
    );
    return { statusCode: response.status, headers: { ...response.headers }, body: response.body };
  },
);
