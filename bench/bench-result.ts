/** Runs every benchmark repeats for each figure; machines here are noisy. */
export const benchRuns = 5;

/** One benchmark figure: the median of repeated runs, with their range, in the shape dashboards read. */
export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  /** The median of the runs. */
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
  /** What the figure is about, where it picks one case out of many. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A figure from the samples of its runs, rounded to `digits` decimals. */
export function figure(name: string, unit: string, samples: readonly number[], digits = 0): BenchResult {
  const round = (n: number) => Number(n.toFixed(digits));
  return {
    name,
    unit,
    value: round(median(samples)),
    min: round(Math.min(...samples)),
    max: round(Math.max(...samples)),
    runs: samples.length,
  };
}

/** Runs `run` `runs` times in sequence and returns what each run returned. */
export async function repeat<T>(run: (index: number) => Promise<T> | T, runs = benchRuns): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < runs; i += 1) results.push(await run(i));
  return results;
}
