/** One metric's identity: namespace, name and the exact set of dimensions (CloudWatch matches all of them). */
export interface MetricKey {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Statistics of the values recorded in one minute. */
export interface Aggregate {
  sum: number;
  count: number;
  min: number;
  max: number;
}

export const minuteMs = 60_000;

function keyOf(metric: MetricKey): string {
  const dims = Object.entries(metric.dimensions).sort(([a], [b]) => a.localeCompare(b));
  return `${metric.namespace}|${metric.name}|${JSON.stringify(dims)}`;
}

/** Supported statistics, computed as CloudWatch does from the period's aggregate. */
export function statistic(stat: string, aggregate: Aggregate): number {
  switch (stat) {
    case 'Sum':
      return aggregate.sum;
    case 'Average':
      return aggregate.count === 0 ? 0 : aggregate.sum / aggregate.count;
    case 'SampleCount':
      return aggregate.count;
    case 'Minimum':
      return aggregate.min;
    case 'Maximum':
      return aggregate.max;
    default:
      throw new Error(
        `the simulated CloudWatch supports Sum, Average, SampleCount, Minimum and Maximum, not ${stat}`,
      );
  }
}

/** Metric data at one-minute resolution, the resolution AWS services publish at. */
export class MetricStore {
  private readonly series = new Map<string, Map<number, Aggregate>>();

  /** Records `count` values summing to `sum` (with their min and max) in the minute containing `at`. */
  record(
    metric: MetricKey,
    at: Date,
    values: { sum: number; count: number; min: number; max: number },
  ): void {
    const key = keyOf(metric);
    let minutes = this.series.get(key);
    if (!minutes) {
      minutes = new Map();
      this.series.set(key, minutes);
    }
    const minute = Math.floor(at.getTime() / minuteMs) * minuteMs;
    const existing = minutes.get(minute);
    if (!existing) {
      minutes.set(minute, { ...values });
      return;
    }
    existing.sum += values.sum;
    existing.count += values.count;
    existing.min = Math.min(existing.min, values.min);
    existing.max = Math.max(existing.max, values.max);
  }

  /**
   * Datapoints of `stat` per period, for periods starting in [start, end); periods with no data
   * are absent, as in CloudWatch.
   */
  query(
    metric: MetricKey,
    stat: string,
    periodSeconds: number,
    start: Date,
    end: Date,
  ): { at: Date; value: number }[] {
    const minutes = this.series.get(keyOf(metric));
    if (!minutes) return [];
    const periodMs = periodSeconds * 1000;
    const buckets = new Map<number, Aggregate>();
    for (const [minute, aggregate] of minutes) {
      if (minute < start.getTime() || minute >= end.getTime()) continue;
      const bucket = Math.floor(minute / periodMs) * periodMs;
      const into = buckets.get(bucket);
      if (!into) buckets.set(bucket, { ...aggregate });
      else {
        into.sum += aggregate.sum;
        into.count += aggregate.count;
        into.min = Math.min(into.min, aggregate.min);
        into.max = Math.max(into.max, aggregate.max);
      }
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([at, aggregate]) => ({ at: new Date(at), value: statistic(stat, aggregate) }));
  }
}
