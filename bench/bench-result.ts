/** One benchmark figure, in the shape benchmark dashboards read. */
export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
}
