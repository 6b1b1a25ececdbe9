import { InvalidName, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import { parseAlarmEvent } from '../../../../handlers/lib/alarm-event.js';
import {
  executionNameFor,
  executionNameOf,
  planDispatch,
  type RouteRule,
  routeRuleSchema,
  targetOf,
} from '../../../../handlers/lib/alarm-routing.js';
import { targetKey } from '../../../../handlers/lib/targets.js';
import { alarmEvent } from '../../../support/alarm-event.js';

const known = ['api-5xx-spike', 'dlq-replay', 'lambda-throttling'];
const lambdaErrors = { namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: 'orders' } };
const untagged = (overrides: Parameters<typeof alarmEvent>[0] = {}) =>
  parseAlarmEvent(alarmEvent({ metric: lambdaErrors, alarmName: 'orders-errors', ...overrides }));
/** The untagged Lambda errors alarm with a metric-math expression added to its metrics. */
function withExpression(expression: string) {
  const raw = alarmEvent({ metric: lambdaErrors, alarmName: 'orders-errors' });
  const metrics = [...raw.detail.configuration.metrics, { id: 'e1', expression, returnData: true }];
  return parseAlarmEvent({ ...raw, detail: { ...raw.detail, configuration: { metrics } } });
}
const plan = (routes: RouteRule[], event = untagged(), tags: Record<string, string> = {}) =>
  planDispatch(event, { tags, routes, knownRunbooks: known });

describe('routing an untagged alarm by the routing table', () => {
  it('starts nothing when no rule matches, field by field', () => {
    for (const rule of [
      { runbook: 'api-5xx-spike', alarmName: 'orders-errors-2' },
      { runbook: 'api-5xx-spike', alarmName: 'orders' },
      { runbook: 'api-5xx-spike', alarmNamePrefix: 'payments-' },
      { runbook: 'api-5xx-spike', namespace: 'AWS/ApiGateway' },
      { runbook: 'api-5xx-spike', metricName: 'Throttles' },
      { runbook: 'api-5xx-spike', namespace: 'AWS/Lambda', metricName: 'Throttles' },
    ]) {
      expect(plan([rule]), JSON.stringify(rule)).toMatchObject({
        action: 'ignore',
        runbook: null,
        reason: 'no route: the alarm has no runbook tag and matches no routing rule',
      });
    }
  });

  it('starts the runbook of the first rule whose every field matches', () => {
    const routes = [
      { runbook: 'dlq-replay', namespace: 'AWS/SQS' },
      { runbook: 'lambda-throttling', namespace: 'AWS/Lambda', metricName: 'Throttles' },
      { runbook: 'api-5xx-spike', namespace: 'AWS/Lambda', metricName: 'Errors' },
      { runbook: 'dlq-replay', alarmName: 'orders-errors' },
    ];
    expect(plan(routes)).toMatchObject({
      action: 'start',
      runbook: 'api-5xx-spike',
      target: 'lambda:orders',
      reason: 'routed by routing table',
    });
    expect(plan([{ runbook: 'dlq-replay', alarmName: 'orders-errors' }])).toMatchObject({
      runbook: 'dlq-replay',
    });
    expect(plan([{ runbook: 'lambda-throttling', alarmNamePrefix: 'orders-' }])).toMatchObject({
      runbook: 'lambda-throttling',
    });
  });

  it('refuses a rule that matches on nothing (it would catch every alarm)', () => {
    const parsed = routeRuleSchema.safeParse({ runbook: 'api-5xx-spike' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('a route must match on something');
    for (const field of ['alarmName', 'alarmNamePrefix', 'namespace', 'metricName']) {
      expect(routeRuleSchema.safeParse({ runbook: 'api-5xx-spike', [field]: 'x' }).success, field).toBe(true);
    }
  });

  it('starts nothing when the matching rule names an unknown runbook', () => {
    expect(plan([{ runbook: 'reboot-everything', namespace: 'AWS/Lambda' }])).toMatchObject({
      action: 'ignore',
      reason: 'routing rule names unknown runbook reboot-everything',
    });
  });

  it('leaves untagged anomaly-detection alarms alone, and starts them when tagged', () => {
    const event = withExpression('ANOMALY_DETECTION_BAND(m1, 2)');
    expect(plan([{ runbook: 'api-5xx-spike', namespace: 'AWS/Lambda' }], event)).toMatchObject({
      action: 'ignore',
      reason: 'anomaly-detection alarms start a runbook only when tagged runbook=<id>',
    });
    expect(plan([], event, { runbook: 'api-5xx-spike' })).toMatchObject({
      action: 'start',
      target: 'lambda:orders',
    });
  });

  it('routes an untagged metric-math alarm that is not anomaly detection', () => {
    expect(
      plan([{ runbook: 'api-5xx-spike', namespace: 'AWS/Lambda' }], withExpression('m1 * 100')),
    ).toMatchObject({
      action: 'start',
      runbook: 'api-5xx-spike',
    });
  });

  it('starts nothing, naming the runbook, when the alarm names no target', () => {
    const event = untagged({ metric: { namespace: 'AWS/Lambda', name: 'Errors', dimensions: {} } });
    expect(plan([{ runbook: 'api-5xx-spike', namespace: 'AWS/Lambda' }], event)).toMatchObject({
      action: 'ignore',
      runbook: 'api-5xx-spike',
      executionName: null,
      reason: 'no target: no metric dimension names a function, API or queue, and no runbook-target tag',
    });
  });
});

describe('execution names', () => {
  it('are names Step Functions accepts, for any alarm name, and the same for a redelivery', async () => {
    const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
    const machine = account.stepFunctions.createStateMachine('runbook-api-5xx-spike');
    const { sfn } = account.clients();
    for (const alarmName of [
      'checkout 5xx (p99) > 5% / eu-west-1 — très important',
      'x'.repeat(255),
      'orders-errors',
    ]) {
      const event = parseAlarmEvent(alarmEvent({ alarmName }));
      const name = executionNameFor('api-5xx-spike', event);
      expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      expect(name).toBe(executionNameFor('api-5xx-spike', structuredClone(event)));
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name })),
      ).resolves.toBeDefined();
    }
  });

  it('are checked by the simulated Step Functions as by Step Functions: a bad name fails locally too', async () => {
    const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
    const machine = account.stepFunctions.createStateMachine('runbook-api-5xx-spike');
    const { sfn } = account.clients();
    for (const name of ['checkout 5xx', 'a'.repeat(81), 'a/b', ''])
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name })),
        JSON.stringify(name),
      ).rejects.toThrow(InvalidName);
  });

  it('differ for two transitions of one alarm, and keep the runbook, alarm and time readable', () => {
    const first = parseAlarmEvent(alarmEvent({ timestamp: '2026-03-02T09:32:00.000+0000' }));
    const second = parseAlarmEvent(alarmEvent({ timestamp: '2026-03-02T09:40:00.000+0000' }));
    expect(executionNameFor('api-5xx-spike', first)).toMatch(
      /^api-5xx-spike-checkout-5xx-rate-20260302T093200-[0-9a-f]{10}$/,
    );
    expect(executionNameFor('api-5xx-spike', first)).not.toBe(executionNameFor('api-5xx-spike', second));
  });

  it('stay the same from one release to the next, so a redelivery during a deploy starts nothing twice', () => {
    // sha256('arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-5xx-rate|2026-03-02T09:32:00.000+0000')
    const event = parseAlarmEvent(alarmEvent());
    expect(executionNameFor('api-5xx-spike', event)).toBe(
      'api-5xx-spike-checkout-5xx-rate-20260302T093200-74ccbaa4d5',
    );
    expect(executionNameFor('api-5xx-spike', event, '')).toBe(executionNameFor('api-5xx-spike', event));
  });

  it('keep as much of a long alarm name as fits, and always the time and hash', () => {
    const event = parseAlarmEvent(alarmEvent({ alarmName: `checkout errors ${'x'.repeat(200)}` }));
    const name = executionNameFor('api-5xx-spike', event);
    expect(name).toHaveLength(80);
    expect(name).toMatch(/^api-5xx-spike-checkout-errors-x+-20260302T093200-[0-9a-f]{10}$/);
    const long = executionNameOf('r'.repeat(75), 'alarm', new Date('2026-03-02T09:32:00Z'), 'seed');
    expect(long).toHaveLength(80);
    expect(long).toMatch(/^r{75}--202$/);
  });
});

describe('the target an alarm names', () => {
  const targetFor = (metrics: Record<string, unknown>[], tags: Record<string, string> = {}) => {
    const raw = alarmEvent({ alarmName: 'a' });
    const event = parseAlarmEvent({
      ...raw,
      detail: {
        ...raw.detail,
        configuration: {
          metrics: metrics.map((metric, i) => ({
            id: `m${i}`,
            metricStat: { metric, period: 60, stat: 'Sum' },
          })),
        },
      },
    });
    const found = targetOf(event, tags);
    return 'problem' in found ? found.problem : targetKey(found);
  };
  const lambda = (name: string, dimensions: Record<string, string>) => ({
    namespace: 'AWS/Lambda',
    name,
    dimensions,
  });

  it('reads a function, alias or version from the Resource dimension', () => {
    expect(targetFor([lambda('Errors', { Resource: 'orders:live' })])).toBe('lambda:orders:live');
    expect(targetFor([lambda('Errors', { Resource: 'orders:42' })])).toBe('lambda:orders');
    expect(targetFor([lambda('Errors', { Resource: 'orders:42a' })])).toBe('lambda:orders:42a');
    expect(targetFor([lambda('Errors', { Resource: 'orders:v42' })])).toBe('lambda:orders:v42');
  });

  it('reads queues and APIs, and refuses dimensions that name no valid target', () => {
    expect(targetFor([{ namespace: 'AWS/SQS', name: 'X', dimensions: { QueueName: 'orders-dlq' } }])).toBe(
      'sqs:orders-dlq',
    );
    expect(
      targetFor([{ namespace: 'AWS/ApiGateway', name: '5XXError', dimensions: { ApiName: 'checkout' } }]),
    ).toBe('apigateway:checkout');
    expect(targetFor([lambda('Errors', { FunctionName: '../../etc/passwd' })])).toMatch(
      /^the alarm's dimensions name no valid target: /,
    );
  });

  it.each(['ConcurrentExecutions', 'ClaimedAccountConcurrency', 'UnreservedConcurrentExecutions'])(
    'targets the account for Lambda’s account-level %s, also in metric math with other metrics',
    (metric) => {
      expect(targetFor([lambda(metric, {})])).toBe('account:123456789012:eu-west-1');
      expect(targetFor([lambda(metric, {}), { namespace: 'Custom/App', name: 'Load', dimensions: {} }])).toBe(
        'account:123456789012:eu-west-1',
      );
    },
  );

  it('does not take a metric of that name elsewhere, or with dimensions, for the account', () => {
    expect(targetFor([{ namespace: 'Custom/App', name: 'ConcurrentExecutions', dimensions: {} }])).toMatch(
      /^no metric dimension names/,
    );
    expect(targetFor([lambda('ConcurrentExecutions', { ExecutedVersion: '3' })])).toMatch(
      /^no metric dimension names/,
    );
  });

  it('cuts a long bad runbook-target tag in the reason', () => {
    const problem = targetFor([], { 'runbook-target': `lambda:${'x'.repeat(1000)}` });
    expect(problem).toMatch(
      /^tag runbook-target="lambda:x+" is not a target: "x+…" is not a Lambda function name$/,
    );
    expect(problem.length).toBeLessThan(400);
  });
});

describe('which alarms start anything', () => {
  it('leaves an untagged alarm with no metrics and no rule (a composite) alone', () => {
    const raw = alarmEvent({ metric: lambdaErrors, alarmName: 'orders-errors' });
    const bare = parseAlarmEvent({ ...raw, detail: { ...raw.detail, configuration: {} } });
    expect(plan([{ runbook: 'api-5xx-spike', alarmNamePrefix: 'orders-' }], bare)).toMatchObject({
      action: 'ignore',
      reason: 'composite alarms start a runbook only when tagged runbook=<id>',
    });
  });

  it('matches a rule on any of a metric-math alarm’s metrics', () => {
    const raw = alarmEvent({ metric: lambdaErrors, alarmName: 'orders-errors' });
    const math = parseAlarmEvent({
      ...raw,
      detail: {
        ...raw.detail,
        configuration: {
          metrics: [
            ...raw.detail.configuration.metrics,
            {
              id: 'm2',
              metricStat: {
                metric: {
                  namespace: 'AWS/SQS',
                  name: 'NumberOfMessagesSent',
                  dimensions: { QueueName: 'orders' },
                },
                period: 60,
                stat: 'Sum',
              },
            },
          ],
        },
      },
    });
    expect(
      plan([{ runbook: 'api-5xx-spike', namespace: 'AWS/Lambda', metricName: 'Errors' }], math),
    ).toMatchObject({
      action: 'start',
    });
    expect(
      plan([{ runbook: 'dlq-replay', namespace: 'AWS/SQS', metricName: 'NumberOfMessagesSent' }], math),
    ).toMatchObject({
      action: 'start',
    });
  });

  it('ignores ALARM → ALARM unless told a person asked for the start', () => {
    const raw = alarmEvent({ metric: lambdaErrors, alarmName: 'orders-errors' });
    const again = parseAlarmEvent({ ...raw, detail: { ...raw.detail, previousState: raw.detail.state } });
    const routes = [{ runbook: 'api-5xx-spike', namespace: 'AWS/Lambda' }];
    expect(plan(routes, again)).toMatchObject({
      action: 'ignore',
      reason: /^ALARM → ALARM is no new incident/,
    });
    expect(
      planDispatch(again, { tags: {}, routes, knownRunbooks: known, transitionOnly: false }),
    ).toMatchObject({
      action: 'start',
    });
  });
});
