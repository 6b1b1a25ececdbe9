import { createHash } from 'node:crypto';
import type { StateValue } from '@aws-sdk/client-cloudwatch';
import type { AccountIdentity } from './account-identity.js';
import type { BusEvent } from './event-bus.js';
import type { MetricKey } from './metric-store.js';

/** An alarm state as CloudWatch records it. */
export interface AlarmState {
  value: StateValue;
  reason: string;
  reasonData: string;
  timestamp: Date;
}

/** A metric alarm of the simulated account. */
export interface SimulatedAlarm {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly metric: MetricKey;
  readonly stat: string;
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: string;
  readonly treatMissingData: string;
  readonly tags: Record<string, string>;
  /** SNS topics notified when the alarm goes to ALARM, and back to OK. */
  readonly actions: { readonly alarm: readonly string[]; readonly ok: readonly string[] };
  state: AlarmState;
}

/** `2019-10-02T17:04:40.985+0000`, the timestamp format of alarm state-change events. */
export function eventTimestamp(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}

/** A UUID-shaped id derived from its seed, so replays of a scenario produce identical events. */
export function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The EventBridge event of an alarm's transition from `previous` to its current state, in the
 * documented "CloudWatch Alarm State Change" format (`alarmTags` only with tag propagation on)
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
 */
export function alarmStateChangeEvent(
  alarm: SimulatedAlarm,
  previous: AlarmState,
  identity: AccountIdentity,
  tagPropagation: boolean,
): BusEvent {
  const state = (s: AlarmState) => ({
    value: s.value,
    reason: s.reason,
    ...(s.reasonData ? { reasonData: s.reasonData } : {}),
    timestamp: eventTimestamp(s.timestamp),
  });
  return {
    version: '0',
    id: stableUuid(`${alarm.arn}|${alarm.state.timestamp.toISOString()}`),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: identity.accountId,
    time: alarm.state.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: identity.region,
    resources: [alarm.arn],
    detail: {
      alarmName: alarm.name,
      ...(tagPropagation ? { alarmTags: { ...alarm.tags } } : {}),
      state: state(alarm.state),
      previousState: state(previous),
      configuration: {
        description: alarm.description,
        metrics: [
          {
            id: stableUuid(`${alarm.arn}|metric`),
            metricStat: {
              metric: {
                dimensions: { ...alarm.metric.dimensions },
                name: alarm.metric.name,
                namespace: alarm.metric.namespace,
              },
              period: alarm.period,
              stat: alarm.stat,
            },
            returnData: true,
          },
        ],
      },
    },
  };
}
