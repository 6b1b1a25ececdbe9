import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { lazyClients } from '../lib/aws-clients.js';
import { withPowertools } from '../lib/lambda-entry.js';
import { metrics } from '../lib/observability.js';
import { powertoolsMetrics } from '../lib/platform-metrics.js';
import { dispatchEvent } from './dispatch-event.js';
import { type DispatcherDeps, dispatcherConfigFromEnv } from './dispatcher-config.js';

let deps: DispatcherDeps | undefined;

/** Deps in Lambda: configuration from the environment, read once per container; clients built on first use. */
function dispatcherDeps(): DispatcherDeps {
  deps ??= {
    clients: lazyClients({
      cloudwatch: CloudWatchClient,
      sfn: SFNClient,
      dynamodb: DynamoDBClient,
      apiGateway: APIGatewayClient,
    }),
    now: () => new Date(),
    metrics: powertoolsMetrics,
    config: dispatcherConfigFromEnv(),
  };
  return deps;
}

/**
 * The dispatcher's Lambda entry: EventBridge delivers alarm state changes, failed rotations and
 * schedules' start requests here, and people with permission to invoke it send start requests
 * (`runbook start`); all go through one launch.
 */
export const handler = withPowertools(
  (event: unknown) => dispatchEvent(event, dispatcherDeps()),
  logMetrics(metrics),
);
