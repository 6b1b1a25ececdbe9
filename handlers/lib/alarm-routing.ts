import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { type AlarmStateChangeEvent, alarmArnOf, alarmMetricStats } from './alarm-event.js';
import { nonEmptyString } from './schemas.js';
import { parseTarget, type Target, targetKey, targetKinds, targetKindTable } from './targets.js';

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

/** The metrics Lambda publishes for the whole account and region, without dimensions. */
const accountMetrics = new Set([
  'ConcurrentExecutions',
  'ClaimedAccountConcurrency',
  'UnreservedConcurrentExecutions',
]);

/**
 * The resource an alarm is about: the `runbook-target` tag when set (parsed and checked, so a bad
 * one is refused with its reason), else the metric dimensions (for metric-math alarms, the input
 * metric that has one): a Lambda function and alias, a REST API, an SQS queue, or, for Lambda's
 * account-level concurrency metrics, the account and region. Returns a reason when there is none.
 */
export function targetOf(
  event: AlarmStateChangeEvent,
  tags: Readonly<Record<string, string>>,
): Target | { readonly problem: string } {
  const tagged = tags[targetTag];
  if (tagged !== undefined) {
    try {
      return parseTarget(tagged);
    } catch (error) {
      return {
        problem: `tag ${targetTag}=${JSON.stringify(tagged.slice(0, 200))} is ${(error as Error).message}`,
      };
    }
  }
  const stats = alarmMetricStats(event);
  const dims = stats.map((s) => s.metric.dimensions);
  const find = (name: string) => dims.find((d) => d[name])?.[name];
  const fromDimension = (key: string) => {
    try {
      return parseTarget(key);
    } catch (error) {
      return { problem: `the alarm's dimensions name no valid target: ${(error as Error).message}` };
    }
  };
  const resource = find('Resource');
  const lambda = targetKindTable.function.prefix;
  if (resource?.includes(':')) {
    const [functionName = '', qualifier = ''] = resource.split(':');
    // A version qualifier is still the function; only aliases are targets of their own.
    return fromDimension(/^\d+$/.test(qualifier) ? `${lambda}:${functionName}` : `${lambda}:${resource}`);
  }
  for (const kind of targetKinds) {
    const { dimension, prefix } = targetKindTable[kind];
    const value = dimension === undefined ? undefined : find(dimension);
    if (value) return fromDimension(`${prefix}:${value}`);
  }
  const accountWide = stats.some(
    (s) =>
      s.metric.namespace === 'AWS/Lambda' &&
      accountMetrics.has(s.metric.name) &&
      Object.keys(s.metric.dimensions).length === 0,
  );
  if (accountWide) return fromDimension(`account:${event.account}:${event.region}`);
  return { problem: `no metric dimension names a function, API or queue, and no ${targetTag} tag` };
}

/**
 * Step Functions execution name for one alarm transition: the runbook, the alarm, the transition
 * time and a hash of alarm ARN and timestamp. A redelivered event yields the same name, so Step
 * Functions refuses a second execution. Names allow letters, digits, `-` and `_`, up to 80 characters.
 */
export function executionNameFor(runbook: string, event: AlarmStateChangeEvent, suffix = ''): string {
  return executionNameOf(
    runbook,
    event.detail.alarmName,
    new Date(Date.parse(event.detail.state.timestamp)),
    `${alarmArnOf(event)}|${event.detail.state.timestamp}${suffix}`,
  );
}

/**
 * An execution name from the runbook, what started it (`subject`, cut to fit), when, and a hash of
 * `seed` that identifies the trigger: letters, digits, `-` and `_`, at most 80 characters, as Step
 * Functions allows.
 */
export function executionNameOf(runbook: string, subject: string, at: Date, seed: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const hash = createHash('sha256').update(seed).digest('hex').slice(0, 10);
  const fixed = `${runbook}--${stamp}-${hash}`;
  const room = 80 - fixed.length;
  const cleaned = subject.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, Math.max(0, room));
  return `${runbook}-${cleaned}-${stamp}-${hash}`.slice(0, 80);
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

/**
 * Whether a routing rule sends an alarm to its runbook: every field the rule names must match the
 * alarm's name or one of its metrics (a check of a deployment's alarms uses it too).
 */
export function ruleMatches(
  rule: RouteRule,
  alarm: {
    readonly name: string;
    readonly metrics: readonly { readonly namespace: string; readonly name: string }[];
  },
): boolean {
  const { name, metrics } = alarm;
  return (
    (rule.alarmName === undefined || rule.alarmName === name) &&
    (rule.alarmNamePrefix === undefined || name.startsWith(rule.alarmNamePrefix)) &&
    (rule.namespace === undefined || metrics.some((m) => m.namespace === rule.namespace)) &&
    (rule.metricName === undefined || metrics.some((m) => m.name === rule.metricName))
  );
}

function matches(rule: RouteRule, event: AlarmStateChangeEvent): boolean {
  return ruleMatches(rule, {
    name: event.detail.alarmName,
    metrics: alarmMetricStats(event).map((s) => s.metric),
  });
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
    /**
     * Whether the event must be a transition into ALARM (alarms). A person's start declares an
     * incident whatever the alarm's previous state. Default: true.
     */
    readonly transitionOnly?: boolean;
  },
): DispatchPlan {
  const { value } = event.detail.state;
  if (value !== 'ALARM') return ignore(`state is ${value}; only transitions to ALARM start runbooks`);
  if ((options.transitionOnly ?? true) && event.detail.previousState.value === 'ALARM')
    return ignore('ALARM → ALARM is no new incident: only a transition into ALARM starts a runbook');
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
  if ('problem' in target) return ignore(`no target: ${target.problem}`, runbook);
  const via = tagged !== undefined ? `tag ${runbookTag}=${tagged}` : 'routing table';
  return {
    action: 'start',
    runbook,
    target: targetKey(target),
    executionName: executionNameFor(runbook, event),
    reason: `routed by ${via}`,
  };
}
