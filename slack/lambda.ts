import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult, SNSEvent } from 'aws-lambda';
import { dispatcherConfigFromEnv } from '../handlers/dispatch-alarm.js';
import { logAuditTrail } from '../handlers/lib/audit-trail.js';
import { createAwsClients } from '../handlers/lib/aws-clients.js';
import { deployedEnvironment, requiredEnv, withPowertools } from '../handlers/lib/lambda-entry.js';
import { tracer } from '../handlers/lib/observability.js';
import { powertoolsMetrics } from '../handlers/lib/platform-metrics.js';
import type { ApprovalNotice } from '../handlers/request-approval.js';
import { parseAccessPolicy, policyFor } from './access-policy.js';
import { postApprovalRequest } from './approval-answers.js';
import { webClientChat } from './chat.js';
import { slackCredentials } from './slack-credentials.js';
import type { SlackDeps } from './slack-deps.js';
import { handleSlackRequest, type SlackEndpointDeps, type SlackWork } from './slack-http.js';
import { runSlackWork } from './slack-work.js';
import type { CatalogueEntry } from './slash-command.js';

const clients = createAwsClients({ configure: (client) => tracer.captureAWSv3Client(client) });
const credentials = slackCredentials(clients.secretsManager, requiredEnv('SLACK_SECRET_ARN'));

let deps: SlackDeps | undefined;

/** Deps of the functions that act: configuration from the environment, the bot token from the secret. */
async function slackDeps(): Promise<SlackDeps> {
  if (deps) return deps;
  const environment = deployedEnvironment();
  deps = {
    clients,
    now: () => new Date(),
    environment,
    policy: policyFor(parseAccessPolicy(JSON.parse(requiredEnv('SLACK_ACCESS_POLICY'))), environment),
    chat: webClientChat((await credentials()).botToken),
    audit: logAuditTrail,
    metrics: powertoolsMetrics,
    approvalTable: requiredEnv('APPROVAL_TABLE_NAME'),
    dispatcher: dispatcherConfigFromEnv(),
  };
  return deps;
}

let endpointConfig: SlackEndpointDeps | undefined;

/** The endpoint's configuration, read from the environment once per container. */
function endpointDeps(): SlackEndpointDeps {
  endpointConfig ??= {
    environment: deployedEnvironment(),
    catalogue: JSON.parse(requiredEnv('RUNBOOK_CATALOGUE')) as CatalogueEntry[],
    now: () => new Date(),
    signingSecret: async () => (await credentials()).signingSecret,
    defer: async (work) => {
      await clients.lambda.send(
        new InvokeCommand({
          FunctionName: requiredEnv('SLACK_WORKER_FUNCTION'),
          InvocationType: 'Event',
          Payload: JSON.stringify(work),
        }),
      );
    },
  };
  return endpointConfig;
}

/**
 * The Function URL Slack calls. It checks the signature, answers within Slack's three seconds and
 * hands anything that calls AWS to the worker function asynchronously.
 */
export const endpoint = withPowertools(
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

/** Runs what the endpoint handed off: starts, status lookups and approval answers. */
export const worker = withPowertools(async (work: SlackWork) => runSlackWork(work, await slackDeps()));

/** Subscribed to the approvals topic: posts each request to its approver group's channel. */
export const notifier = withPowertools(async (event: SNSEvent) => {
  const slack = await slackDeps();
  for (const record of event.Records) {
    await postApprovalRequest(JSON.parse(record.Sns.Message) as ApprovalNotice, slack);
  }
});
