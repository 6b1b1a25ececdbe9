import {
  type AlarmHistoryItem,
  type DescribeAlarmHistoryCommandInput,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  InvalidParameterValueException,
  type ListTagsForResourceCommandInput,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
  ResourceNotFound,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import type { AccountIdentity } from './account-identity.js';
import { AlarmActions } from './alarm-actions.js';
import { alarmStateChangeEvent, eventTimestamp, type SimulatedAlarm } from './alarm-state-change.js';
import type { EventBus } from './event-bus.js';
import type { AccountIam } from './iam/account-iam.js';
import type { MetricKey, MetricStore } from './metric-store.js';
import type { SimulatedSns } from './simulated-sns.js';
import type { VirtualClock } from './virtual-clock.js';

const comparisons: Readonly<Record<string, [(v: number, t: number) => boolean, string]>> = {
  GreaterThanThreshold: [(v, t) => v > t, 'greater than'],
  GreaterThanOrEqualToThreshold: [(v, t) => v >= t, 'greater than or equal to'],
  LessThanThreshold: [(v, t) => v < t, 'less than'],
  LessThanOrEqualToThreshold: [(v, t) => v <= t, 'less than or equal to'],
};

/**
 * CloudWatch metrics and metric alarms. Alarms are evaluated every minute of virtual time over their
 * last `EvaluationPeriods` periods: ALARM when at least `DatapointsToAlarm` breach ("M out of N"),
 * OK otherwise, INSUFFICIENT_DATA when every period is missing and missing data is treated as
 * missing; each transition is sent to EventBridge in the documented "CloudWatch Alarm State Change"
 * format (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
 */
export class SimulatedCloudWatch {
  private readonly alarms = new Map<string, SimulatedAlarm>();
  private readonly history: AlarmHistoryItem[] = [];
  /** Alarm actions waiting for CloudWatch to carry them out. */
  readonly actions: AlarmActions;

  /**
   * Whether state-change events carry the alarm's tags as `alarmTags` (CloudWatch's tag propagation);
   * off by default, as in AWS.
   */
  tagPropagation = false;

  constructor(
    private readonly identity: AccountIdentity,
    readonly metrics: MetricStore,
    private readonly clock: VirtualClock,
    private readonly bus: EventBus,
    iam: AccountIam,
    sns: SimulatedSns,
  ) {
    this.actions = new AlarmActions(identity, clock, iam, sns, this.history);
  }

  listTagsForResource(input: ListTagsForResourceCommandInput): { Tags: { Key: string; Value: string }[] } {
    const alarm = [...this.alarms.values()].find((a) => a.arn === input.ResourceARN);
    if (!alarm) throw new ResourceNotFound({ message: `no alarm ${input.ResourceARN}`, $metadata: {} });
    return { Tags: Object.entries(alarm.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  /** Re-sends an alarm's last state change, as EventBridge's at-least-once delivery may. */
  redeliverLast(name: string): void {
    const event = this.bus.delivered.findLast((e) => e.detail.alarmName === name);
    if (event) this.bus.put(event);
  }

  putMetricAlarm(input: PutMetricAlarmCommandInput): void {
    const {
      AlarmName,
      Namespace,
      MetricName,
      Statistic,
      Period,
      EvaluationPeriods,
      Threshold,
      ComparisonOperator,
    } = input;
    if (
      !AlarmName ||
      !Namespace ||
      !MetricName ||
      !Statistic ||
      !Period ||
      !EvaluationPeriods ||
      Threshold === undefined
    ) {
      throw new InvalidParameterValueException({
        message: 'the simulated CloudWatch models single-metric alarms with a statistic and threshold',
        $metadata: {},
      });
    }
    if (!ComparisonOperator || !comparisons[ComparisonOperator]) {
      throw new InvalidParameterValueException({
        message: `unsupported ComparisonOperator ${ComparisonOperator}`,
        $metadata: {},
      });
    }
    const dimensions = Object.fromEntries((input.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
    this.alarms.set(AlarmName, {
      name: AlarmName,
      arn: `arn:aws:cloudwatch:${this.identity.region}:${this.identity.accountId}:alarm:${AlarmName}`,
      description: input.AlarmDescription ?? '',
      metric: { namespace: Namespace, name: MetricName, dimensions },
      stat: Statistic,
      period: Period,
      evaluationPeriods: EvaluationPeriods,
      datapointsToAlarm: input.DatapointsToAlarm ?? EvaluationPeriods,
      threshold: Threshold,
      comparison: ComparisonOperator,
      treatMissingData: input.TreatMissingData ?? 'missing',
      tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      actions: { alarm: input.AlarmActions ?? [], ok: input.OKActions ?? [] },
      state: {
        value: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        reasonData: '',
        timestamp: this.clock.now(),
      },
    });
  }

  describeAlarms(input: DescribeAlarmsCommandInput): Omit<DescribeAlarmsCommandOutput, '$metadata'> {
    const names = input.AlarmNames;
    const selected = [...this.alarms.values()].filter((a) => !names || names.includes(a.name));
    return { MetricAlarms: selected.map((a) => this.describe(a)), CompositeAlarms: [] };
  }

  getMetricData(input: GetMetricDataCommandInput): Omit<GetMetricDataCommandOutput, '$metadata'> {
    const { StartTime, EndTime } = input;
    if (!StartTime || !EndTime || StartTime >= EndTime) {
      throw new InvalidParameterValueException({
        message: 'StartTime must be before EndTime',
        $metadata: {},
      });
    }
    const results = (input.MetricDataQueries ?? []).map((query) => {
      const stat = query.MetricStat;
      const metric = stat?.Metric;
      if (!stat?.Period || !stat.Stat || !metric?.Namespace || !metric.MetricName) {
        throw new InvalidParameterValueException({
          message: `query ${query.Id}: the simulated CloudWatch answers MetricStat queries only`,
          $metadata: {},
        });
      }
      const key: MetricKey = {
        namespace: metric.Namespace,
        name: metric.MetricName,
        dimensions: Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
      };
      const points = this.metrics.query(key, stat.Stat, stat.Period, StartTime, EndTime);
      if (input.ScanBy !== 'TimestampAscending') points.reverse();
      return {
        Id: query.Id,
        Label: metric.MetricName,
        Timestamps: points.map((p) => p.at),
        Values: points.map((p) => p.value),
        StatusCode: 'Complete' as const,
      };
    });
    return { MetricDataResults: results, Messages: [] };
  }

  /** Current state of an alarm, for scenarios and reports. */
  alarmState(name: string): StateValue {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`no alarm named ${name}`);
    return alarm.state.value;
  }

  /** Evaluates every alarm at the current minute boundary, emitting events for transitions. */
  evaluateAlarms(): void {
    const now = this.clock.now();
    for (const alarm of this.alarms.values()) this.evaluate(alarm, now);
  }

  private evaluate(alarm: SimulatedAlarm, now: Date): void {
    const periodMs = alarm.period * 1000;
    const end = Math.floor(now.getTime() / periodMs) * periodMs;
    const start = end - alarm.evaluationPeriods * periodMs;
    const points = this.metrics.query(alarm.metric, alarm.stat, alarm.period, new Date(start), new Date(end));
    const [compare, words] = comparisons[alarm.comparison] ?? [() => false, '?'];
    const missing = alarm.evaluationPeriods - points.length;
    const missingBreaches = alarm.treatMissingData === 'breaching' ? missing : 0;
    const breaching = points.filter((p) => compare(p.value, alarm.threshold)).length + missingBreaches;

    let value: StateValue;
    if (points.length === 0 && alarm.treatMissingData === 'missing') value = 'INSUFFICIENT_DATA';
    else if (breaching >= alarm.datapointsToAlarm) value = 'ALARM';
    else value = 'OK';
    if (value === alarm.state.value) return;

    const shown = points
      .map((p) => `${Number(p.value.toFixed(6))} (${p.at.toISOString().slice(0, 16)})`)
      .join(', ');
    const reason =
      value === 'INSUFFICIENT_DATA'
        ? `Insufficient Data: ${alarm.evaluationPeriods} datapoints were unknown.`
        : `Threshold Crossed: ${breaching} out of the last ${alarm.evaluationPeriods} datapoints [${shown}] ` +
          `${value === 'ALARM' ? 'were' : 'were not'} ${words} the threshold (${alarm.threshold}) ` +
          `(minimum ${alarm.datapointsToAlarm} datapoints for OK -> ALARM transition).`;
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: eventTimestamp(now),
      startDate: eventTimestamp(new Date(start)),
      statistic: alarm.stat,
      period: alarm.period,
      recentDatapoints: points.map((p) => p.value),
      threshold: alarm.threshold,
      evaluatedDatapoints: points.map((p) => ({ timestamp: eventTimestamp(p.at), value: p.value })),
    });
    const previous = alarm.state;
    alarm.state = { value, reason, reasonData, timestamp: now };
    this.history.push({
      AlarmName: alarm.name,
      AlarmType: 'MetricAlarm',
      Timestamp: now,
      HistoryItemType: 'StateUpdate',
      HistorySummary: `Alarm updated from ${previous.value} to ${value}`,
      HistoryData: JSON.stringify({
        version: '1.0',
        oldState: { stateValue: previous.value },
        newState: { stateValue: value, stateReason: reason },
      }),
    });
    this.bus.put(alarmStateChangeEvent(alarm, previous, this.identity, this.tagPropagation));
    this.actions.transitioned(alarm, value, reason);
  }

  /** An alarm's state changes, newest first, as DescribeAlarmHistory lists them. */
  describeAlarmHistory(input: DescribeAlarmHistoryCommandInput) {
    const from = input.StartDate?.getTime() ?? 0;
    const to = input.EndDate?.getTime() ?? Number.POSITIVE_INFINITY;
    return {
      AlarmHistoryItems: this.history
        .filter(
          (h) =>
            (!input.AlarmName || h.AlarmName === input.AlarmName) &&
            (!input.HistoryItemType || h.HistoryItemType === input.HistoryItemType),
        )
        .filter((h) => (h.Timestamp?.getTime() ?? 0) >= from && (h.Timestamp?.getTime() ?? 0) <= to)
        .reverse(),
    };
  }

  private describe(alarm: SimulatedAlarm): MetricAlarm {
    return {
      AlarmName: alarm.name,
      AlarmArn: alarm.arn,
      AlarmDescription: alarm.description,
      Namespace: alarm.metric.namespace,
      MetricName: alarm.metric.name,
      Dimensions: Object.entries(alarm.metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Statistic: alarm.stat as MetricAlarm['Statistic'],
      Period: alarm.period,
      EvaluationPeriods: alarm.evaluationPeriods,
      DatapointsToAlarm: alarm.datapointsToAlarm,
      Threshold: alarm.threshold,
      ComparisonOperator: alarm.comparison as MetricAlarm['ComparisonOperator'],
      TreatMissingData: alarm.treatMissingData,
      StateValue: alarm.state.value,
      StateReason: alarm.state.reason,
      StateReasonData: alarm.state.reasonData,
      StateUpdatedTimestamp: alarm.state.timestamp,
    };
  }
}
