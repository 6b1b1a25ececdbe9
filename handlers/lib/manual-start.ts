import { randomUUID } from 'node:crypto';
import {
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { type DispatcherDeps, type DispatchOutcome, dispatchAlarm } from '../dispatcher/dispatch-alarm.js';
import type { AlarmStateChangeEvent } from './alarm-event.js';
import { runbookTag } from './alarm-routing.js';
import { InvalidInputError } from './errors.js';

/** A person's request to run a runbook on the resource an alarm watches, now. */
export interface ManualStart {
  readonly runbook: string;
  readonly alarmName: string;
  /** `slack:<user id>`, `cli:<user>`: recorded on the execution and in the audit trail. */
  readonly requestedBy: string;
  /** Act even if the runbook's cool-down on the target is not over. */
  readonly force: boolean;
}

const epochIso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The alarm's metrics in the shape state-change events carry them. */
function eventMetrics(
  alarm: MetricAlarm,
): NonNullable<AlarmStateChangeEvent['detail']['configuration']['metrics']> {
  const dimensions = (list: { Name?: string; Value?: string }[] | undefined) =>
    Object.fromEntries((list ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
  if (alarm.Metrics?.length) {
    return alarm.Metrics.map((query) => ({
      id: query.Id ?? 'm',
      ...(query.Expression ? { expression: query.Expression } : {}),
      ...(query.MetricStat?.Metric
        ? {
            metricStat: {
              metric: {
                namespace: query.MetricStat.Metric.Namespace ?? '',
                name: query.MetricStat.Metric.MetricName ?? '',
                dimensions: dimensions(query.MetricStat.Metric.Dimensions),
              },
              period: query.MetricStat.Period ?? 60,
              stat: query.MetricStat.Stat ?? 'Average',
            },
          }
        : {}),
      returnData: query.ReturnData ?? false,
    }));
  }
  return [
    {
      id: 'm1',
      metricStat: {
        metric: {
          namespace: alarm.Namespace ?? '',
          name: alarm.MetricName ?? '',
          dimensions: dimensions(alarm.Dimensions),
        },
        period: alarm.Period ?? 60,
        stat: alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average',
      },
      returnData: true,
    },
  ];
}

/**
 * Starts a runbook by hand on what an alarm watches: the alarm is described as it is now and turned
 * into the state-change event the runbook takes, then dispatched like any alarm, so the lease,
 * cool-down (unless forced) and exactly-once naming apply to people as they do to alarms.
 */
export async function startManually(request: ManualStart, deps: DispatcherDeps): Promise<DispatchOutcome> {
  if (!deps.config.runbooks[request.runbook]) {
    throw new InvalidInputError(
      `unknown runbook ${request.runbook}; known: ${Object.keys(deps.config.runbooks).join(', ')}`,
    );
  }
  const described = await deps.clients.cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [request.alarmName] }),
  );
  const alarm = described.MetricAlarms?.[0];
  if (!alarm?.AlarmArn) throw new InvalidInputError(`no metric alarm named ${request.alarmName}`);
  const [, , , region = '', account = ''] = alarm.AlarmArn.split(':');
  const listed = await deps.clients.cloudwatch.send(
    new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }),
  );
  const tags = Object.fromEntries((listed.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const now = deps.now();
  const actual = alarm.StateValue ?? 'INSUFFICIENT_DATA';
  // A person starting a runbook declares an incident whatever the alarm says; the transition is
  // theirs, stamped now, so it never collides with the alarm's own execution name.
  const state = {
    value: 'ALARM' as const,
    reason: `started by ${request.requestedBy} (alarm state: ${actual})`,
    timestamp: now.toISOString(),
  };
  const previousState = { value: actual, reason: alarm.StateReason ?? '', timestamp: now.toISOString() };
  const event: AlarmStateChangeEvent = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time: epochIso(now),
    region,
    resources: [alarm.AlarmArn],
    detail: {
      alarmName: request.alarmName,
      state,
      previousState,
      configuration: {
        ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
        metrics: eventMetrics(alarm),
      },
      // The person chose the runbook; the alarm's own routing does not apply.
      alarmTags: { ...tags, [runbookTag]: request.runbook },
    },
  };
  return dispatchAlarm(event, deps, { requestedBy: request.requestedBy, force: request.force });
}
