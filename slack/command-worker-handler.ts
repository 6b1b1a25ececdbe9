import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { dispatcherConfigFromEnv } from '../handlers/dispatcher/dispatcher-config.js';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { withPowertools } from '../handlers/lib/lambda-entry.js';
import { metrics } from '../handlers/lib/observability.js';
import { powertoolsMetrics } from '../handlers/lib/platform-metrics.js';
import { deployedPolicy } from './lambda-config.js';
import { postToResponseUrl } from './response-url.js';
import type { SlackWork } from './slack-http.js';
import { runCommand } from './slack-work.js';
import type { CommandDeps } from './slash-command.js';

let deps: (CommandDeps & { readonly chat: { readonly respond: typeof postToResponseUrl } }) | undefined;

/** Configuration from the environment, read once per container; answers go to `response_url` (no bot token). */
function commandDeps() {
  deps ??= {
    clients: lazyClients({
      cloudwatch: CloudWatchClient,
      sfn: SFNClient,
      dynamodb: DynamoDBClient,
      apiGateway: APIGatewayClient,
      sqs: SQSClient,
    }),
    now: () => new Date(),
    policy: deployedPolicy(),
    metrics: powertoolsMetrics,
    dispatcher: dispatcherConfigFromEnv(),
    chat: { respond: postToResponseUrl },
  };
  return deps;
}

/** Runs the slash commands the endpoint handed off: `start` (through the dispatcher's rules) and `status`. */
export const handler = withPowertools(
  async (work: Extract<SlackWork, { kind: 'command' }>) => runCommand(work, commandDeps()),
  logMetrics(metrics),
);
