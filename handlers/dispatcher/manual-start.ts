import { randomUUID } from 'node:crypto';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AlarmStateChangeEvent } from '../lib/alarm-event.js';
import { executionNameOf, runbookTag } from '../lib/alarm-routing.js';
import { InvalidInputError } from '../lib/errors.js';
import { type Target, targetKey } from '../lib/targets.js';
import { cloudwatchLookups } from './alarm-lookups.js';
import { admit, type Decision, type DecisionDeps, foreignProblem, refuse } from './decision.js';
import { decideAlarm } from './dispatch-alarm.js';
import { type DispatcherDeps, deployedIds, deployedRunbookOf } from './dispatcher-config.js';
import { act, type DispatchOutcome } from './launch.js';

interface ManualStartBase {
  readonly runbook: string;
  /** `slack:<user id>`, `cli:<user>`: recorded on the execution and in the audit trail. */
  readonly requestedBy: string;
  /** Act even if the runbook's cool-down on the target is not over. */
  readonly force: boolean;
  /**
   * When the person asked, as the sender stamped it: the run's name derives from it, so a
   * redelivered request names the same run.
   * @default when the dispatcher decides
   */
  readonly requestedAt?: Date;
}

/** How far a request's own time may be from the dispatcher's: clock skew and Lambda's retries, no more. */
const requestedAtSkewMs = 15 * 60_000;

/** When a request was made: its own stamp, refused when far from now (a replayed or forged one). */
function requestTime(request: ManualStartBase, now: Date): Date {
  const at = request.requestedAt;
  if (!at) return now;
  if (Math.abs(at.getTime() - now.getTime()) > requestedAtSkewMs)
    throw new InvalidInputError(
      `requestedAt ${at.toISOString()} is more than 15 minutes from now (${now.toISOString()}); send a new request`,
    );
  return at;
}

/**
 * A person's request to run a runbook now: on the resource an alarm watches, or on a target they
 * name (with the runbook's own parameters, e.g. `runtime=nodejs24.x`).
 */
export type ManualStart =
  | (ManualStartBase & { readonly alarmName: string })
  | (ManualStartBase & {
      readonly target: Target;
      readonly parameters: Readonly<Record<string, string>>;
      /**
       * The workload account (and region) the target is in.
       * @default the platform's own account and region
       */
      readonly where?: { readonly account: string; readonly region?: string };
    });

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

/** The start a person asks for on a target they named, checked as every start is. */
function decideOnTarget(request: Extract<ManualStart, { target: Target }>, deps: DecisionDeps): Decision {
  const now = requestTime(request, deps.now());
  const target = targetKey(request.target);
  // A target in a workload account: registered, in a region registered for it (default: the hub's).
  const place = request.where
    ? { account: request.where.account, region: request.where.region ?? deps.config.region }
    : undefined;
  const foreign = place && foreignProblem(place, deps.config, 'the request names a target in');
  if (foreign) return refuse(request.runbook, target, foreign, 'ForeignEvents');
  const input: ManualStartInput = {
    manualStart: {
      target,
      parameters: request.parameters,
      requestedBy: request.requestedBy,
      requestedAt: now.toISOString(),
    },
  };
  return admit(
    {
      runbook: request.runbook,
      target: request.target,
      // The person's request at this second: a repeated delivery of it cannot start a second run.
      executionName: executionNameOf(
        request.runbook,
        target,
        now,
        // Where, too: the same request for two accounts is two runs.
        JSON.stringify({ ...input, at: epochIso(now), ...(place ? { place } : {}) }),
      ),
      input: { ...input },
      reason: `started by ${request.requestedBy}`,
      ...(place ? { place } : {}),
    },
    { requestedBy: request.requestedBy, force: request.force },
    'person',
    deps,
    request.parameters,
  );
}

/**
 * What a person's start request starts: on a target they named, or on what an alarm watches (the
 * alarm is described as it is now and turned into the state-change event the runbook takes, then
 * decided like any alarm, so the checks, the lease, cool-down (unless forced) and exactly-once
 * naming apply to people as they do to alarms).
 */
export async function decideManualStart(request: ManualStart, deps: DecisionDeps): Promise<Decision> {
  if (!deployedRunbookOf(deps.config, request.runbook)) {
    throw new InvalidInputError(
      `unknown runbook ${JSON.stringify(request.runbook.slice(0, 100))}; known: ${deployedIds(deps.config).join(', ')}`,
    );
  }
  if ('target' in request) return decideOnTarget(request, deps);
  const described = await deps.alarms.describe(request.alarmName);
  if (!described) throw new InvalidInputError(`no metric alarm named ${request.alarmName}`);
  const { alarm, tags } = described;
  const alarmArn = alarm.AlarmArn ?? '';
  const [, , , region = '', account = ''] = alarmArn.split(':');
  const now = requestTime(request, deps.now());
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
    resources: [alarmArn],
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
  return decideAlarm(event, deps, { requestedBy: request.requestedBy, force: request.force });
}

/** Starts a runbook by hand (see `decideManualStart`) through the dispatcher's lease and naming rules. */
export async function startManually(request: ManualStart, deps: DispatcherDeps): Promise<DispatchOutcome> {
  const decision = await decideManualStart(request, {
    ...deps,
    alarms: cloudwatchLookups(deps.clients.cloudwatch),
  });
  return act(decision, deps);
}
