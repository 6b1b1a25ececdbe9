import * as z from 'zod/mini';
import { InvalidInputError } from './errors.js';
import { problemsOf } from './parse-input.js';
import { accountId, nonEmptyString, positiveInt, timestampString } from './schemas.js';

// Shape of EventBridge "CloudWatch Alarm State Change" events as documented in
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
// (single-metric, metric-math and composite alarms; `alarmTags` when tag propagation is on).

const alarmStateValue = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

const alarmState = z.object({
  value: alarmStateValue,
  reason: z.string(),
  reasonData: z.optional(z.string()),
  timestamp: timestampString(),
});

const metricStat = z.object({
  metric: z.object({
    namespace: nonEmptyString(),
    name: nonEmptyString(),
    dimensions: z._default(z.record(z.string(), z.string()), {}),
  }),
  period: positiveInt(),
  stat: nonEmptyString(),
  unit: z.optional(z.string()),
});

const alarmMetric = z.object({
  id: z.string(),
  /** A metric of another account (CloudWatch cross-account observability). */
  accountId: z.optional(accountId()),
  metricStat: z.optional(metricStat),
  expression: z.optional(z.string()),
  label: z.optional(z.string()),
  returnData: z.optional(z.boolean()),
});

const alarmArn = z
  .string()
  .check(z.regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/, 'is not a CloudWatch alarm ARN'));

export const alarmStateChangeEventSchema = z
  .object({
    version: z.string(),
    id: nonEmptyString(),
    'detail-type': z.literal('CloudWatch Alarm State Change'),
    source: z.literal('aws.cloudwatch'),
    account: accountId(),
    time: z.string(),
    region: nonEmptyString(),
    resources: z.tuple([alarmArn], z.string()),
    detail: z.object({
      alarmName: nonEmptyString(),
      state: alarmState,
      previousState: alarmState,
      configuration: z._default(
        z.object({
          description: z.optional(z.string()),
          metrics: z.optional(z.array(alarmMetric)),
          alarmRule: z.optional(z.string()),
        }),
        {},
      ),
      alarmTags: z.optional(z.record(z.string(), z.string())),
    }),
  })
  .check(
    z.refine(
      (e) =>
        e.resources[0].slice(e.resources[0].indexOf(':alarm:') + ':alarm:'.length) === e.detail.alarmName,
      { message: 'names another alarm than detail.alarmName', path: ['resources', 0] },
    ),
  );

export type AlarmStateChangeEvent = z.infer<typeof alarmStateChangeEventSchema>;
export type AlarmMetricStat = z.infer<typeof metricStat>;
export type AlarmStateValue = z.infer<typeof alarmStateValue>;

/** Validates an alarm state-change event, naming every field that is wrong. */
export function parseAlarmEvent(raw: unknown): AlarmStateChangeEvent {
  const parsed = alarmStateChangeEventSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError(
      `not a CloudWatch alarm state-change event: ${problemsOf(parsed.error, raw, '(event)')}`,
    );
  }
  return parsed.data;
}

/** The ARN of the alarm an event is about. */
export function alarmArnOf(event: AlarmStateChangeEvent): string {
  return event.resources[0];
}

/** Metrics the alarm evaluates directly (metric-math alarms list their inputs as metricStat entries). */
export function alarmMetricStats(event: AlarmStateChangeEvent): AlarmMetricStat[] {
  return (event.detail.configuration.metrics ?? []).flatMap((m) => (m.metricStat ? [m.metricStat] : []));
}
