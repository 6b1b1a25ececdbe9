import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';

/** A metric to read: namespace, name, dimensions and the statistic over each period. */
export interface MetricSpec {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
}

export interface MetricPoint {
  readonly at: string;
  readonly value: number;
}

/** Reads several metrics over one window, one point per period, oldest first. */
export async function readMetrics(
  cloudwatch: CloudWatchClient,
  specs: Readonly<Record<string, MetricSpec>>,
  window: { readonly start: Date; readonly end: Date; readonly periodSeconds: number },
): Promise<Record<string, MetricPoint[]>> {
  const ids = Object.keys(specs);
  const queries: MetricDataQuery[] = ids.map((key, index) => {
    const spec = specs[key] as MetricSpec;
    return {
      Id: `m${index}`,
      MetricStat: {
        Metric: {
          Namespace: spec.namespace,
          MetricName: spec.name,
          Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: window.periodSeconds,
        Stat: spec.stat,
      },
      ReturnData: true,
    };
  });
  const result: Record<string, MetricPoint[]> = Object.fromEntries(ids.map((key) => [key, []]));
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: window.start,
        EndTime: window.end,
        ScanBy: 'TimestampAscending',
        NextToken: nextToken,
      }),
    );
    for (const series of page.MetricDataResults ?? []) {
      const key = ids[Number(series.Id?.slice(1))];
      if (key === undefined) continue;
      const timestamps = series.Timestamps ?? [];
      const points = result[key] ?? [];
      timestamps.forEach((t, i) => {
        points.push({ at: t.toISOString(), value: series.Values?.[i] ?? 0 });
      });
      result[key] = points;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return result;
}

/** Sum of a series' values. */
export function total(points: readonly MetricPoint[]): number {
  return points.reduce((sum, p) => sum + p.value, 0);
}
