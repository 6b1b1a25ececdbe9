/**
 * How many random cases a property runs: `n`, scaled by PROPERTY_RUNS_SCALE (mutation runs set a
 * fraction: a mutant fails within the first few cases, and each property runs for hundreds of mutants).
 */
export function propertyRuns(n: number): number {
  const scale = Number(process.env.PROPERTY_RUNS_SCALE ?? '1');
  return Math.max(1, Math.ceil(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
