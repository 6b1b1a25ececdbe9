import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { readMetrics } from '../lib/metric-window.js';

/** The function consuming the source queue, and the most executions it may run at once. */
export interface WatchedConsumer {
  readonly functionName: string;
  /** Its reserved concurrency or its mapping's maximum concurrency, the lower; null: neither set. */
  readonly concurrencyLimit: number | null;
}

/** The consumer's AWS/Lambda metrics over one minute. */
export interface ConsumerMinute {
  readonly errors: number;
  readonly throttles: number;
  /** The most executions that ran at once (ConcurrentExecutions, Maximum). */
  readonly concurrency: number;
}

/** What the consumer's own metrics say about the replay: trouble (cut the rate) or a limit (hold). */
export interface ConsumerSignals {
  readonly trouble?: string;
  readonly atLimit?: string;
}

/** CloudWatch's period for Lambda's metrics. */
export const minuteMs = 60_000;

/** The start of the minute `at` falls in. */
export const minuteOf = (at: number) => Math.floor(at / minuteMs) * minuteMs;

/**
 * Reads the consumer's two latest complete minutes, before the one starting at `minute`: Lambda
 * publishes per minute, Errors and Throttles as Sums, ConcurrentExecutions as a Maximum
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). A minute without
 * datapoints had none of them: Lambda sends no zeros.
 */
export async function lastMinutes(
  cloudwatch: CloudWatchClient,
  consumer: WatchedConsumer,
  minute: number,
): Promise<{ readonly before: ConsumerMinute; readonly last: ConsumerMinute }> {
  const dimensions = { FunctionName: consumer.functionName };
  const series = await readMetrics(
    cloudwatch,
    {
      errors: { namespace: 'AWS/Lambda', name: 'Errors', dimensions, stat: 'Sum' },
      throttles: { namespace: 'AWS/Lambda', name: 'Throttles', dimensions, stat: 'Sum' },
      concurrency: { namespace: 'AWS/Lambda', name: 'ConcurrentExecutions', dimensions, stat: 'Maximum' },
    },
    { start: new Date(minute - 2 * minuteMs), end: new Date(minute), periodSeconds: 60 },
  );
  const at = (start: number): ConsumerMinute => {
    const value = (name: keyof ConsumerMinute) =>
      series[name]?.find((p) => Date.parse(p.at) === start)?.value ?? 0;
    return { errors: value('errors'), throttles: value('throttles'), concurrency: value('concurrency') };
  };
  return { before: at(minute - 2 * minuteMs), last: at(minute - minuteMs) };
}

/**
 * Trouble when the consumer's errors or throttles rose from one minute to the next (the replay's
 * messages are what changed); its limit when it ran as many executions as it may, where more sent
 * would only queue. Minutes lag the queue's own readings: the caller ignores errors of a minute
 * in which it already cut the rate for them.
 */
export function judge(
  consumer: WatchedConsumer,
  before: ConsumerMinute,
  last: ConsumerMinute,
): ConsumerSignals {
  const rose = (name: 'errors' | 'throttles', what: string) =>
    last[name] > before[name]
      ? `${consumer.functionName}'s ${what} rose to ${last[name]} a minute (from ${before[name]})`
      : undefined;
  const trouble = rose('errors', 'errors') ?? rose('throttles', 'throttles');
  const limit = consumer.concurrencyLimit;
  const atLimit =
    limit !== null && last.concurrency >= limit
      ? `${consumer.functionName} runs ${last.concurrency} executions at once, its limit (${limit})`
      : undefined;
  return { ...(trouble ? { trouble } : {}), ...(atLimit ? { atLimit } : {}) };
}
