import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../gameday/account/event-bus.js';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';
import { parseAlarmEvent } from '../../../handlers/lib/alarm-event.js';

function accountWithAlarm() {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  account.lambda.createFunction('fn');
  account.lambda.publishVersion('fn', { errorRate: 0, durationMs: 50 });
  account.lambda.createAlias({ FunctionName: 'fn', Name: 'live', FunctionVersion: '1' });
  account.addWorkload({ kind: 'alias', functionName: 'fn', alias: 'live', invocationsPerMinute: 100 });
  account.cloudwatch.putMetricAlarm({
    AlarmName: 'fn-errors',
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [
      { Name: 'FunctionName', Value: 'fn' },
      { Name: 'Resource', Value: 'fn:live' },
    ],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'missing',
  });
  const events: BusEvent[] = [];
  account.bus.addRule({ source: ['aws.cloudwatch'] }, (e) => events.push(e));
  return { account, events };
}

describe('SimulatedCloudWatch', () => {
  it('moves an alarm from INSUFFICIENT_DATA to OK once data arrives', () => {
    const { account, events } = accountWithAlarm();
    expect(account.cloudwatch.alarmState('fn-errors')).toBe('INSUFFICIENT_DATA');
    account.advance(60);
    expect(account.cloudwatch.alarmState('fn-errors')).toBe('OK');
    expect(events).toHaveLength(1);
  });

  it('alarms only when M of the last N datapoints breach', () => {
    const { account } = accountWithAlarm();
    account.advance(5 * 60);
    account.lambda.setBehaviour('fn', '1', { errorRate: 0.1, durationMs: 50 });
    account.advance(60);
    expect(account.cloudwatch.alarmState('fn-errors')).toBe('OK');
    account.advance(60);
    expect(account.cloudwatch.alarmState('fn-errors')).toBe('ALARM');
  });

  it('emits state changes in the documented EventBridge format', () => {
    const { account, events } = accountWithAlarm();
    account.advance(5 * 60);
    account.lambda.setBehaviour('fn', '1', { errorRate: 0.1, durationMs: 50 });
    account.advance(2 * 60);
    const alarm = events.at(-1);
    const parsed = parseAlarmEvent(alarm);
    expect(parsed.detail.state.value).toBe('ALARM');
    expect(parsed.detail.previousState.value).toBe('OK');
    expect(parsed.detail.state.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(parsed.time).toBe('2026-03-02T09:07:00Z');
    expect(parsed.resources).toEqual(['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fn-errors']);
    expect(parsed.detail.configuration.metrics?.[0]?.metricStat).toEqual({
      metric: {
        namespace: 'AWS/Lambda',
        name: 'Errors',
        dimensions: { FunctionName: 'fn', Resource: 'fn:live' },
      },
      period: 60,
      stat: 'Sum',
    });
    expect(JSON.parse(parsed.detail.state.reasonData ?? '{}')).toMatchObject({
      threshold: 5,
      statistic: 'Sum',
      period: 60,
    });
  });

  it('answers GetMetricData with one datapoint per period, matching dimensions exactly', async () => {
    const { account } = accountWithAlarm();
    account.advance(10 * 60);
    const { cloudwatch } = account.clients();
    const { GetMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
    const query = (dimensions: { Name: string; Value: string }[]) =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date('2026-03-02T09:00:00Z'),
          EndTime: new Date('2026-03-02T09:10:00Z'),
          MetricDataQueries: [
            {
              Id: 'm',
              MetricStat: {
                Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: dimensions },
                Period: 300,
                Stat: 'Sum',
              },
            },
          ],
        }),
      );
    const byAlias = await query([
      { Name: 'FunctionName', Value: 'fn' },
      { Name: 'Resource', Value: 'fn:live' },
    ]);
    expect(byAlias.MetricDataResults?.[0]?.Values).toEqual([500, 500]);
    const byAliasOnly = await query([{ Name: 'Resource', Value: 'fn:live' }]);
    expect(byAliasOnly.MetricDataResults?.[0]?.Values).toEqual([]);
  });
});
