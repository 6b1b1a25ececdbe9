import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { lazyClients } from '../lib/aws-clients.js';
import { defineFunction } from '../lib/define-step.js';
import { withPowertools } from '../lib/lambda-entry.js';
import { metrics } from '../lib/observability.js';
import { powertoolsMetrics } from '../lib/platform-metrics.js';
import { dispatchEvent } from './dispatch-event.js';
import { type DispatcherDeps, dispatcherConfigFromEnv } from './dispatcher-config.js';

/** The dispatcher as deployed: its clients and the permissions their calls need. */
export const dispatcherFunction = defineFunction({
  name: 'dispatcher',
  module: import.meta.url,
  clients: {
    cloudwatch: CloudWatchClient,
    sfn: SFNClient,
    dynamodb: DynamoDBClient,
    apiGateway: APIGatewayClient,
  },
  permissions: [
    // Alarm events carry no tags: routing reads them; a start by alarm name describes the alarm.
    { actions: ['cloudwatch:ListTagsForResource', 'cloudwatch:DescribeAlarms'], on: 'alarms' },
    { actions: ['states:StartExecution'], on: 'state-machines' },
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], on: 'lease-table' },
    // An API's alarm locks the alias behind the API.
    { actions: ['apigateway:GET'], on: 'rest-apis' },
  ],
});

let deps: DispatcherDeps | undefined;

/** Deps in Lambda: configuration from the environment, read once per container; clients built on first use. */
function dispatcherDeps(): DispatcherDeps {
  deps ??= {
    clients: lazyClients(dispatcherFunction.clients),
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
