import type { Permission } from '../lib/define-step.js';

/**
 * What deciding on and launching a start calls, wherever it runs (the dispatcher, Slack's command
 * worker): alarm lookups, the resources a run locks, the leases, StartExecution.
 */
export const launchPermissions = [
  // Alarm events carry no tags: routing reads them; a start by alarm name describes the alarm.
  { actions: ['cloudwatch:ListTagsForResource', 'cloudwatch:DescribeAlarms'], on: 'alarms' },
  { actions: ['states:StartExecution'], on: 'state-machines' },
  // A lapsed claim is only taken over when its execution does not run.
  { actions: ['states:DescribeExecution'], on: 'executions' },
  { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], on: 'lease-table' },
  // An API's alarm locks the alias behind the API.
  { actions: ['apigateway:GET'], on: 'rest-apis' },
  // A replay on a dead-letter queue locks the queues it serves.
  { actions: ['sqs:GetQueueUrl', 'sqs:ListDeadLetterSourceQueues'], on: 'replay-queues' },
] as const satisfies readonly Permission[];
