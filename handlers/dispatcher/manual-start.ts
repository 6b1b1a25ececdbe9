import { randomUUID } from 'node:crypto';
import {
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmStateChangeEvent } from '../lib/alarm-event.js';
import { executionNameOf, runbookTag } from '../lib/alarm-routing.js';
import { InvalidInputError } from '../lib/errors.js';
import { type Target, targetKey } from '../lib/targets.js';
import { dispatchAlarm } from './dispatch-alarm.js';
import { type DispatcherDeps, deployedIds, deployedRunbookOf } from './dispatcher-config.js';
import { type DispatchOutcome, launch } from './launch.js';

interface ManualStartBase {
  readonly runbook: string;
  /** `slack:<user id>`, `cli:<user>`: recorded on the execution and in the audit trail. */
  readonly requestedBy: string;
  /** Act even if the runbook's cool-down on the target is not over. */
  readonly force: boolean;
}

/**
 * A person's request to run a runbook now: on the resource an alarm watches, or on a target they
 * name (with the runbook's own parameters, e.g. `runtime=nodejs24.x`).
 */
export type ManualStart =
  | (ManualStartBase & { readonly alarmName: string })
  | (ManualStartBase & { readonly target: Target; readonly parameters: Readonly<Record<string, string>> });

/** The input of an execution a person started on a named target (no alarm behind it). */
export interface ManualStartInput {
  readonly manualStart: {
    readonly target: string;
    readonly parameters: Readonly<Record<string, string>>;
    readonly requestedBy: string;
    readonly requestedAt: string;
  };
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

/** Starts a runbook on a target a person named, through the same lease, cool-down and kind checks. */
function startOnTarget(
  request: Extract<ManualStart, { target: Target }>,
  deps: DispatcherDeps,
): Promise<DispatchOutcome> {
  const now = deps.now();
  const target = targetKey(request.target);
  const input: ManualStartInput = {
    manualStart: {
      target,
      parameters: request.parameters,
      requestedBy: request.requestedBy,
      requestedAt: now.toISOString(),
    },
  };
  return launch(
    {
      runbook: request.runbook,
      target: request.target,
      // The person's request at this second: a repeated delivery of it cannot start a second run.
      executionName: executionNameOf(
        request.runbook,
        target,
        now,
        JSON.stringify({ ...input, at: epochIso(now) }),
      ),
      input: { ...input },
      reason: `started by ${request.requestedBy}`,
    },
    deps,
    { requestedBy: request.requestedBy, force: request.force },
  );
}

/**
 * Starts a runbook by hand on what an alarm watches: the alarm is described as it is now and turned
 * into the state-change event the runbook takes, then dispatched like any alarm, so the lease,
 * cool-down (unless forced) and exactly-once naming apply to people as they do to alarms.
 */
export async function startManually(request: ManualStart, deps: DispatcherDeps): Promise<DispatchOutcome> {
  if (!deployedRunbookOf(deps.config, request.runbook)) {
    throw new InvalidInputError(
      `unknown runbook ${request.runbook}; known: ${deployedIds(deps.config).join(', ')}`,
    );
  }
  if ('target' in request) return startOnTarget(request, deps);
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
