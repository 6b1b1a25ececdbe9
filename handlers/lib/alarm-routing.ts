import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { type AlarmStateChangeEvent, alarmArnOf, alarmMetricStats } from './alarm-event.js';
import { nonEmptyString } from './schemas.js';

/** The alarm tag naming the runbook to start. */
export const runbookTag = 'runbook';
/** Optional alarm tag naming the target, for alarms whose metrics do not (composite alarms). */
export const targetTag = 'runbook-target';

/** A routing rule: alarms it matches start `runbook`. Every given field must match. */
export const routeRuleSchema = z
  .object({
    runbook: nonEmptyString(),
    alarmName: z.optional(nonEmptyString()),
    alarmNamePrefix: z.optional(nonEmptyString()),
    namespace: z.optional(nonEmptyString()),
    metricName: z.optional(nonEmptyString()),
  })
  .check(
    z.refine(
      (r) => Boolean(r.alarmName || r.alarmNamePrefix || r.namespace || r.metricName),
      'a route must match on something',
    ),
  );

export type RouteRule = z.infer<typeof routeRuleSchema>;

/** What an alarm event leads to: a start, or the reason it starts nothing. */
export type DispatchPlan =
  | {
      readonly action: 'start';
      readonly runbook: string;
      readonly target: string;
      readonly executionName: string;
      readonly reason: string;
    }
  | {
      readonly action: 'ignore';
      readonly runbook: string | null;
      readonly target: string | null;
      readonly executionName: null;
      readonly reason: string;
    };

const ignore = (
  reason: string,
  runbook: string | null = null,
  target: string | null = null,
): DispatchPlan => ({
  action: 'ignore',
  runbook,
  target,
  executionName: null,
  reason,
});

/**
 * The resource an alarm is about, from its metric dimensions (for metric-math alarms, the input
 * metric that has one): a Lambda alias or function, a REST API, or an SQS queue.
 */
export function targetOf(
  event: AlarmStateChangeEvent,
  tags: Readonly<Record<string, string>>,
): string | undefined {
  const tagged = tags[targetTag];
  if (tagged) return tagged;
  const dims = alarmMetricStats(event).map((s) => s.metric.dimensions);
  const find = (name: string) => dims.find((d) => d[name])?.[name];
  const resource = find('Resource');
  if (resource?.includes(':')) return `lambda:${resource}`;
  const fn = find('FunctionName');
  if (fn) return `lambda:${fn}`;
  const api = find('ApiName') ?? find('ApiId');
  if (api) return `apigateway:${api}`;
  const queue = find('QueueName');
  if (queue) return `sqs:${queue}`;
  return undefined;
}

/**
 * Step Functions execution name for one alarm transition: the runbook, the alarm, the transition
 * time and a hash of alarm ARN and timestamp. A redelivered event yields the same name, so Step
 * Functions refuses a second execution. Names allow letters, digits, `-` and `_`, up to 80 characters.
 */
export function executionNameFor(runbook: string, event: AlarmStateChangeEvent, suffix = ''): string {
  const timestamp = new Date(Date.parse(event.detail.state.timestamp));
  const stamp = timestamp.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const hash = createHash('sha256')
    .update(`${alarmArnOf(event)}|${event.detail.state.timestamp}${suffix}`)
    .digest('hex')
    .slice(0, 10);
  const fixed = `${runbook}--${stamp}-${hash}`;
  const room = 80 - fixed.length - 1;
  const alarm = event.detail.alarmName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, Math.max(0, room));
  return `${runbook}-${alarm}-${stamp}-${hash}`.slice(0, 80);
}

function isAnomalyDetection(event: AlarmStateChangeEvent): boolean {
  return (event.detail.configuration.metrics ?? []).some((m) =>
    m.expression?.includes('ANOMALY_DETECTION_BAND'),
  );
}

function isComposite(event: AlarmStateChangeEvent): boolean {
  return (
    event.detail.configuration.alarmRule !== undefined ||
    (event.detail.configuration.metrics ?? []).length === 0
  );
}

function matches(rule: RouteRule, event: AlarmStateChangeEvent): boolean {
  const name = event.detail.alarmName;
  const metrics = alarmMetricStats(event).map((s) => s.metric);
  return (
    (rule.alarmName === undefined || rule.alarmName === name) &&
    (rule.alarmNamePrefix === undefined || name.startsWith(rule.alarmNamePrefix)) &&
    (rule.namespace === undefined || metrics.some((m) => m.namespace === rule.namespace)) &&
    (rule.metricName === undefined || metrics.some((m) => m.name === rule.metricName))
  );
}

/**
 * Decides what an alarm state change starts, from configuration only: the alarm's `runbook` tag,
 * else the first routing rule that matches. Only ALARM transitions start anything; composite and
 * anomaly-detection alarms are routed only when tagged.
 */
export function planDispatch(
  event: AlarmStateChangeEvent,
  options: {
    readonly tags: Readonly<Record<string, string>>;
    readonly routes: readonly RouteRule[];
    readonly knownRunbooks: readonly string[];
  },
): DispatchPlan {
  const { value } = event.detail.state;
  if (value !== 'ALARM') return ignore(`state is ${value}; only transitions to ALARM start runbooks`);
  const tagged = options.tags[runbookTag];
  let runbook: string;
  if (tagged !== undefined) {
    if (!options.knownRunbooks.includes(tagged)) {
      return ignore(
        `tag ${runbookTag}=${tagged} names no known runbook (known: ${options.knownRunbooks.join(', ')})`,
      );
    }
    runbook = tagged;
  } else if (isComposite(event) || isAnomalyDetection(event)) {
    return ignore(
      `${isComposite(event) ? 'composite' : 'anomaly-detection'} alarms start a runbook only when tagged ${runbookTag}=<id>`,
    );
  } else {
    const rule = options.routes.find((r) => matches(r, event));
    if (!rule) return ignore(`no route: the alarm has no ${runbookTag} tag and matches no routing rule`);
    if (!options.knownRunbooks.includes(rule.runbook)) {
      return ignore(`routing rule names unknown runbook ${rule.runbook}`);
    }
    runbook = rule.runbook;
  }
  const target = targetOf(event, options.tags);
  if (!target) {
    return ignore(
      `no target: no metric dimension names a function, API or queue, and no ${targetTag} tag`,
      runbook,
    );
  }
  const via = tagged !== undefined ? `tag ${runbookTag}=${tagged}` : 'routing table';
  return {
    action: 'start',
    runbook,
    target,
    executionName: executionNameFor(runbook, event),
    reason: `routed by ${via}`,
  };
}
