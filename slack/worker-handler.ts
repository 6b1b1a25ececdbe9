import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { dispatcherConfigFromEnv } from '../handlers/dispatcher/dispatch-alarm.js';
import { logAuditTrail } from '../handlers/lib/audit-trail.js';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { deployedEnvironment, requiredEnv, withPowertools } from '../handlers/lib/lambda-entry.js';
import { powertoolsMetrics } from '../handlers/lib/platform-metrics.js';
import { webClientChat } from './chat.js';
import { deployedCredentials, deployedPolicy } from './lambda-config.js';
import type { SlackDeps } from './slack-deps.js';
import type { SlackWork } from './slack-http.js';
import { runSlackWork } from './slack-work.js';

let deps: SlackDeps | undefined;

/** Configuration from the environment, the bot token from the secret; read once per container. */
async function workerDeps(): Promise<SlackDeps> {
  deps ??= {
    clients: lazyClients({
      cloudwatch: CloudWatchClient,
      sfn: SFNClient,
      dynamodb: DynamoDBClient,
      apiGateway: APIGatewayClient,
    }),
    now: () => new Date(),
    environment: deployedEnvironment(),
    policy: deployedPolicy(),
    chat: webClientChat((await deployedCredentials()).botToken),
    audit: logAuditTrail,
    metrics: powertoolsMetrics,
    approvalTable: requiredEnv('APPROVAL_TABLE_NAME'),
    dispatcher: dispatcherConfigFromEnv(),
  };
  return deps;
}

/** Runs what the endpoint handed off: starts, status lookups and approval answers. */
export const handler = withPowertools(async (work: SlackWork) => runSlackWork(work, await workerDeps()));
