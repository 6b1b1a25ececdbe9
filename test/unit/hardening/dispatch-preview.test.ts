import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFromFile } from '../../../cli/dispatch-command.js';
import { createOrdersQueues } from '../../../gameday/scenarios/dlq-replay/orders-queues.js';
import { cloudwatchLookups } from '../../../handlers/dispatcher/alarm-lookups.js';
import { dispatchEvent } from '../../../handlers/dispatcher/dispatch-event.js';
import { alarmEvent } from '../../support/alarm-event.js';
import { dispatchFixture } from '../../support/dispatch-fixture.js';

const runbookIds = ['api-5xx-spike', 'lambda-throttling', 'dlq-replay', 'runtime-upgrade', 'secret-rotation'];

/** The metrics alarms watch: a function's errors, a queue's depth, an API's 5XX rate. */
const watched = {
  'Lambda Errors': { namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: 'checkout-api' } },
  'SQS depth': {
    namespace: 'AWS/SQS',
    name: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: 'orders-dlq' },
  },
  'API 5XX': { namespace: 'AWS/ApiGateway', name: '5XXError', dimensions: { ApiName: 'checkout' } },
};

const healthNotice = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'AWS Health Event',
  source: 'aws.health',
  account: '123456789012',
  time: '2026-03-02T09:31:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventArn: 'arn:aws:health:eu-west-1::event/LAMBDA/AWS_LAMBDA_RUNTIME_DEPRECATION_SCHEDULED/x',
    service: 'LAMBDA',
    eventTypeCode: 'AWS_LAMBDA_RUNTIME_DEPRECATION_SCHEDULED',
    eventTypeCategory: 'scheduledChange',
    affectedEntities: [
      { entityValue: 'arn:aws:lambda:eu-west-1:123456789012:function:checkout-api', status: 'PENDING' },
      { entityValue: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api', status: 'RESOLVED' },
    ],
  },
};

const rotationFailed = (account: string) => ({
  version: '0',
  id: 'e1',
  'detail-type': 'AWS Service Event via CloudTrail',
  source: 'aws.secretsmanager',
  account,
  time: '2026-03-02T09:31:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'RotationFailed',
    additionalEventData: { SecretId: `arn:aws:secretsmanager:eu-west-1:${account}:secret:orders-db-AbCdEf` },
  },
});

const startRequest = (runbook: string, target: string, parameters: Record<string, string> = {}) => ({
  startRequest: { runbook, target, parameters, requestedBy: 'cli:oncall' },
});

/** Every kind of event the dispatcher handles, with the runbooks and targets a tag can mix up. */
const events: readonly (readonly [string, unknown])[] = [
  ...Object.entries(watched).flatMap(([what, metric]) =>
    [...runbookIds, 'no-such-runbook'].map(
      (runbook) =>
        [`${runbook} tagged on a ${what} alarm`, alarmEvent({ metric, tags: { runbook } })] as const,
    ),
  ),
  ['an untagged Lambda Errors alarm', alarmEvent({ metric: watched['Lambda Errors'] })],
  [
    'an alarm of another account',
    {
      ...alarmEvent({ metric: watched['Lambda Errors'], tags: { runbook: 'lambda-throttling' } }),
      account: '999999999999',
    },
  ],
  ['an AWS Health runtime notice', healthNotice],
  ['a RotationFailed event of this account', rotationFailed('123456789012')],
  ['a RotationFailed event of another account', rotationFailed('999999999999')],
  ['a start request', startRequest('runtime-upgrade', 'lambda:orders-api', { runtime: 'nodejs24.x' })],
  [
    'a start request with a parameter the runbook does not take',
    startRequest('runtime-upgrade', 'lambda:orders-api', { dryRun: 'true' }),
  ],
  [
    'a start request of a runbook on the wrong kind of target',
    startRequest('dlq-replay', 'lambda:orders-api'),
  ],
];

describe('runbook dispatch --event decides as the dispatcher does', () => {
  it.each(events)('for %s', async (_, event) => {
    const { deps, account } = await dispatchFixture();
    account.lambda.createFunction('orders-api');
    createOrdersQueues(account);
    const dir = mkdtempSync(join(tmpdir(), 'preview-'));
    writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
    writeFileSync(join(dir, 'routes.json'), JSON.stringify(deps.config.routes));
    // The deployment's account and region, its clock, and CloudWatch for the alarm's tags (--aws).
    const preview = await planFromFile(join(dir, 'event.json'), {
      routesFile: join(dir, 'routes.json'),
      accountId: deps.config.accountId,
      region: deps.config.region,
      now: deps.now,
      alarms: cloudwatchLookups(deps.clients.cloudwatch),
    });
    const done = await dispatchEvent(event, deps).catch((error: Error) => [
      { action: 'ignore' as const, reason: error.message },
    ]);
    expect(preview.length, 'one decision per start').toBe(done.length);
    preview.forEach((decision, i) => {
      const outcome = done[i];
      if (decision.action === 'start') {
        expect(outcome).toMatchObject({
          action: 'start',
          runbook: decision.start.runbook,
          executionName: decision.start.executionName,
        });
      } else {
        expect(outcome).toMatchObject({ action: 'ignore', reason: decision.reason });
      }
    });
  });

  it('says no for a runbook tagged on a kind of target it does not act on, as the dispatcher does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preview-'));
    writeFileSync(
      join(dir, 'event.json'),
      JSON.stringify(alarmEvent({ metric: watched['Lambda Errors'], tags: { runbook: 'dlq-replay' } })),
    );
    writeFileSync(join(dir, 'routes.json'), '[]');
    expect(await planFromFile(join(dir, 'event.json'), { routesFile: join(dir, 'routes.json') })).toEqual([
      expect.objectContaining({
        action: 'ignore',
        reason: 'dlq-replay acts on queue targets, and lambda:checkout-api is a function',
      }),
    ]);
  });
});
