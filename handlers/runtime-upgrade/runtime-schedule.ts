/**
 * Lambda's runtime deprecation schedule, as AWS publishes it in the "Supported runtimes" and
 * "Deprecated runtimes" tables of the Lambda Developer Guide. Dates are UTC days; `null` where AWS
 * has announced none. Update this table (and `readOn`) when AWS changes it; a test fails when the
 * simulator or the inventory meets a runtime missing here.
 */
export const runtimeScheduleSource = {
  page: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html',
  readOn: '2026-11-23',
} as const;

export interface RuntimeDates {
  readonly runtime: string;
  /** The language family; an upgrade moves to the newest supported runtime of the same family. */
  readonly family: 'nodejs' | 'python' | 'java' | 'dotnet' | 'ruby' | 'provided';
  readonly deprecated: string | null;
  readonly blockCreate: string | null;
  readonly blockUpdate: string | null;
}

const row = (
  runtime: string,
  family: RuntimeDates['family'],
  deprecated: string | null,
  blockCreate: string | null,
  blockUpdate: string | null,
): RuntimeDates => ({ runtime, family, deprecated, blockCreate, blockUpdate });

/** Newest first within each family. */
export const runtimeSchedule: readonly RuntimeDates[] = [
  row('nodejs24.x', 'nodejs', '2028-04-30', '2028-06-01', '2028-07-01'),
  row('nodejs22.x', 'nodejs', '2027-04-30', '2027-06-01', '2027-07-01'),
  row('nodejs20.x', 'nodejs', '2026-04-30', '2027-07-29', '2027-08-31'),
  row('nodejs18.x', 'nodejs', '2025-09-01', '2027-07-29', '2027-08-31'),
  row('nodejs16.x', 'nodejs', '2024-06-12', '2027-07-29', '2027-08-31'),
  row('nodejs14.x', 'nodejs', '2023-12-04', '2024-01-09', '2027-08-31'),
  row('python3.14', 'python', '2029-06-30', '2029-07-31', '2029-08-31'),
  row('python3.13', 'python', '2029-06-30', '2029-07-31', '2029-08-31'),
  row('python3.12', 'python', '2028-10-31', '2028-11-30', '2029-01-10'),
  row('python3.11', 'python', '2027-06-30', '2027-07-29', '2027-08-31'),
  row('python3.10', 'python', '2026-10-31', '2027-07-29', '2027-08-31'),
  row('python3.9', 'python', '2025-12-15', '2027-07-29', '2027-08-31'),
  row('python3.8', 'python', '2024-10-14', '2027-07-29', '2027-08-31'),
  row('java21', 'java', '2029-06-30', '2029-07-31', '2029-08-31'),
  row('java17', 'java', '2027-06-30', '2027-07-29', '2027-08-31'),
  row('java11', 'java', '2027-06-30', '2027-07-29', '2027-08-31'),
  row('java8.al2', 'java', '2027-06-30', '2027-07-29', '2027-08-31'),
  row('dotnet10', 'dotnet', '2028-11-14', '2028-12-14', '2029-01-15'),
  row('dotnet8', 'dotnet', '2026-11-10', '2027-07-29', '2027-08-31'),
  row('dotnet6', 'dotnet', '2024-12-20', '2027-07-29', '2027-08-31'),
  row('ruby3.4', 'ruby', '2028-03-31', '2028-04-30', '2028-05-31'),
  row('ruby3.3', 'ruby', '2027-03-31', '2027-07-29', '2027-08-31'),
  row('ruby3.2', 'ruby', '2026-03-31', '2027-07-29', '2027-08-31'),
  row('provided.al2023', 'provided', '2029-06-30', '2029-07-31', '2029-08-31'),
  row('provided.al2', 'provided', '2026-07-31', '2027-07-29', '2027-08-31'),
];

const byRuntime = new Map(runtimeSchedule.map((r) => [r.runtime, r]));

/** A runtime's dates; undefined for a runtime the table does not hold. */
export function datesOf(runtime: string): RuntimeDates | undefined {
  return byRuntime.get(runtime);
}

/** Whether `date` (YYYY-MM-DD) is on or after `limit`; never for a date AWS has not announced. */
const reached = (limit: string | null, date: string) => limit !== null && date >= limit;

/** Whether a runtime is deprecated on `date`, or will be within `days`. */
export function deprecatedWithin(dates: RuntimeDates, date: string, days: number): boolean {
  if (dates.deprecated === null) return false;
  const horizon = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return reached(dates.deprecated, horizon);
}

/** Whether Lambda still lets functions be updated to this runtime on `date`. */
export function acceptsUpdates(dates: RuntimeDates, date: string): boolean {
  return !reached(dates.blockUpdate, date);
}

/**
 * The runtime to move to: the newest of the same family that is not deprecated on `date`.
 * Undefined when the family has none (or the runtime is unknown).
 */
export function successorOf(runtime: string, date: string): string | undefined {
  const family = datesOf(runtime)?.family;
  return runtimeSchedule.find((r) => r.family === family && !reached(r.deprecated, date))?.runtime;
}
