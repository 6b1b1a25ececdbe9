import * as z from 'zod';
import { InvalidInputError } from './errors.js';

// Shape of EventBridge "CloudWatch Alarm State Change" events as documented in
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
// (single-metric, metric-math and composite alarms; `alarmTags` when tag propagation is on).

const alarmStateValue = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

const alarmState = z.object({
  value: alarmStateValue,
  reason: z.string(),
  reasonData: z.string().optional(),
  timestamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a timestamp'),
});

const metricStat = z.object({
  metric: z.object({
    namespace: z.string().min(1),
    name: z.string().min(1),
    dimensions: z.record(z.string(), z.string()).default({}),
  }),
  period: z.number().int().positive(),
  stat: z.string().min(1),
  unit: z.string().optional(),
});

const alarmMetric = z.object({
  id: z.string(),
  metricStat: metricStat.optional(),
  expression: z.string().optional(),
  label: z.string().optional(),
  returnData: z.boolean().optional(),
});

const alarmArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/, 'is not a CloudWatch alarm ARN');

export const alarmStateChangeEventSchema = z.object({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string().regex(/^\d{12}$/, 'is not a 12-digit account id'),
  time: z.string(),
  region: z.string().min(1),
  resources: z.tuple([alarmArn]).rest(z.string()),
  detail: z.object({
    alarmName: z.string().min(1),
    state: alarmState,
    previousState: alarmState,
    configuration: z
      .object({
        description: z.string().optional(),
        metrics: z.array(alarmMetric).optional(),
        alarmRule: z.string().optional(),
      })
      .default({}),
    alarmTags: z.record(z.string(), z.string()).optional(),
  }),
});

export type AlarmStateChangeEvent = z.infer<typeof alarmStateChangeEventSchema>;
export type AlarmMetricStat = z.infer<typeof metricStat>;
export type AlarmStateValue = z.infer<typeof alarmStateValue>;

/** Validates an alarm state-change event, naming every field that is wrong. */
export function parseAlarmEvent(raw: unknown): AlarmStateChangeEvent {
  const parsed = alarmStateChangeEventSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`,
    );
    throw new InvalidInputError(`not a CloudWatch alarm state-change event: ${problems.join('; ')}`);
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
