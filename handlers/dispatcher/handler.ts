import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lazyClients } from '../lib/aws-clients.js';
import { defineFunction } from '../lib/define-step.js';
import { requiredEnv, withPowertools } from '../lib/lambda-entry.js';
import { metrics } from '../lib/observability.js';
import { powertoolsMetrics } from '../lib/platform-metrics.js';
import { dispatchEvent } from './dispatch-event.js';
import { type DispatcherDeps, dispatcherConfigFromEnv } from './dispatcher-config.js';
import { declaredTriggers } from './event-trigger.js';
import { launchPermissions } from './launch-permissions.js';

/** The dispatcher as deployed: its clients and the permissions their calls need. */
export const dispatcherFunction = defineFunction({
  name: 'dispatcher',
  module: import.meta.url,
  clients: {
    cloudwatch: CloudWatchClient,
    sfn: SFNClient,
    dynamodb: DynamoDBClient,
    apiGateway: APIGatewayClient,
    lambda: LambdaClient,
    sqs: SQSClient,
  },
  permissions: [
    ...launchPermissions,
    // The rest of a long Health notice goes to a later invocation of itself.
    { actions: ['lambda:InvokeFunction'], on: 'dispatcher' },
  ],
});

let deps: DispatcherDeps | undefined;

/** Deps in Lambda: configuration from the environment, read once per container; clients built on first use. */
function dispatcherDeps(): DispatcherDeps {
  const clients = lazyClients(dispatcherFunction.clients);
  deps ??= {
    clients,
    now: () => new Date(),
    metrics: powertoolsMetrics,
    config: dispatcherConfigFromEnv(),
    // The deployed runbooks' trigger modules, which the CDK app injects into this bundle.
    triggers: declaredTriggers(),
    continueLater: async (event) => {
      await clients.lambda.send(
        new InvokeCommand({
          FunctionName: requiredEnv('AWS_LAMBDA_FUNCTION_NAME'),
          InvocationType: 'Event',
          Payload: JSON.stringify(event),
        }),
      );
    },
  };
  return deps;
}

/**
 * The dispatcher's Lambda entry: EventBridge delivers alarm state changes, the events the deployed
 * runbooks' triggers declare and schedules' start requests here, and people with permission to invoke it send start requests
 * (`runbook start`); all go through one launch.
 */
export const handler = withPowertools(
  (event: unknown) => dispatchEvent(event, dispatcherDeps()),
  logMetrics(metrics),
);
