import type { ThrottlingReport } from '../../../handlers/lambda-throttling/report-throttling.js';
import type { SimulatedAccount } from '../../account/simulated-account.js';
import { type RunFacts, runbookOutcomeOf, type Scenario } from '../../scenario.js';

/** A function of the scenario's account and the traffic it gets. */
export interface FunctionSpec {
  readonly name: string;
  /** Traffic goes through this alias when set. */
  readonly alias?: string;
  readonly durationMs: number;
  readonly memorySize?: number;
  readonly reserved?: number;
  readonly invocation?: 'sync' | 'async';
  /** Requests per second before the fault. */
  readonly rate: number;
}

/** The account a throttling game day runs on, and the knobs its fault turns. */
export interface ConcurrencyWorld {
  /** The function the alarm watches. */
  readonly target: string;
  readonly alarmName: string;
  /** Requests per second of each function right now (the fault changes them). */
  readonly rates: Map<string, (at: Date) => number>;
  /** Every function of the scenario, for the final state. */
  readonly functions: readonly string[];
}

/** What a throttling game day ends with, compared field by field with the expectation. */
export interface ThrottlingOutcome {
  readonly runbookOutcome: ThrottlingReport['outcome'] | 'not-started' | 'execution-failed';
  readonly cause: string;
  /** The change that stayed, as the report words it, or `none`. */
  readonly change: string;
  /** Whether the target is still throttled in the quarter of an hour after the runbook. */
  readonly throttling: 'stopped' | 'continues';
  /** Changes the runbook recorded: a change, and a change put back, are two. */
  readonly changes: number;
}

/** Each involved function's concurrency settings and the account's unreserved concurrency at the end. */
export interface ConcurrencyFinalState {
  readonly account: { readonly limit: number; readonly unreserved: number };
  readonly functions: readonly {
    readonly name: string;
    readonly reserved: number | null;
    readonly provisioned: Readonly<Record<string, number>>;
    readonly eventSourceMaxConcurrency: number | null;
  }[];
}

/** Functions with their traffic, reservations and (for an alias) version, in a fresh account. */
export function concurrencyWorld(
  account: SimulatedAccount,
  options: {
    readonly accountLimit?: number;
    readonly functions: readonly FunctionSpec[];
    readonly target: string;
    /** Minutes of throttles that raise the alarm (all of the last this many). Default: 3. */
    readonly alarmMinutes?: number;
  },
): ConcurrencyWorld {
  if (options.accountLimit) account.lambda.concurrency.accountLimit = options.accountLimit;
  const rates = new Map<string, (at: Date) => number>();
  for (const spec of options.functions) {
    account.lambda.createFunction(spec.name, 30, spec.memorySize ?? 512);
    account.lambda.publishVersion(spec.name, { errorRate: 0, durationMs: spec.durationMs });
    if (spec.alias)
      account.lambda.createAlias({ FunctionName: spec.name, Name: spec.alias, FunctionVersion: '1' });
    if (spec.reserved !== undefined) account.lambda.concurrency.putReserved(spec.name, spec.reserved);
    rates.set(spec.name, () => spec.rate);
    account.addWorkload({
      kind: 'function',
      functionName: spec.name,
      ...(spec.alias ? { alias: spec.alias } : {}),
      invocation: spec.invocation ?? 'sync',
      ratePerSecond: (at) => rates.get(spec.name)?.(at) ?? 0,
    });
  }
  const target = options.functions.find((f) => f.name === options.target);
  const alarmName = `${options.target}-throttles`;
  const minutes = options.alarmMinutes ?? 3;
  account.cloudwatch.putMetricAlarm({
    AlarmName: alarmName,
    AlarmDescription: `${options.target} is throttled`,
    Namespace: 'AWS/Lambda',
    MetricName: 'Throttles',
    Dimensions: [
      { Name: 'FunctionName', Value: options.target },
      ...(target?.alias ? [{ Name: 'Resource', Value: `${options.target}:${target.alias}` }] : []),
    ],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: minutes,
    DatapointsToAlarm: minutes,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Tags: [{ Key: 'runbook', Value: 'lambda-throttling' }],
  });
  return { target: options.target, alarmName, rates, functions: options.functions.map((f) => f.name) };
}

/** What every throttling game day shares: the runbook, how long it watches afterwards, and how it reads the outcome. */
export const throttlingGameDay = {
  runbook: 'lambda-throttling',
  aftermathMinutes: 15,
  outcome(account: SimulatedAccount, world: ConcurrencyWorld, facts: RunFacts): ThrottlingOutcome {
    const report = facts.report as ThrottlingReport | null;
    const kept = report?.change && !report.change.reverted ? report.change : null;
    const now = account.clock.now();
    const throttles = account.metrics.query(
      { namespace: 'AWS/Lambda', name: 'Throttles', dimensions: { FunctionName: world.target } },
      'Sum',
      60,
      new Date(now.getTime() - 15 * 60_000),
      now,
    );
    return {
      runbookOutcome: runbookOutcomeOf(facts, (r) => (r as ThrottlingReport).outcome),
      cause: report?.cause ?? 'none',
      change: kept ? kept.what : 'none',
      throttling: throttles.some((p) => p.value > 0) ? 'continues' : 'stopped',
      changes: facts.changes.length,
    };
  },
  finalState(account: SimulatedAccount, world: ConcurrencyWorld): ConcurrencyFinalState {
    const { concurrency, mappings } = account.lambda;
    return {
      account: { limit: concurrency.accountLimit, unreserved: concurrency.unreserved() },
      functions: world.functions.map((name) => {
        const arn = account.lambda.fn(name).arn;
        const mapping = mappings.list({ FunctionArn: arn }).EventSourceMappings[0];
        return {
          name,
          reserved: concurrency.reservedOf(name) ?? null,
          provisioned: Object.fromEntries(
            concurrency
              .listProvisioned(name)
              .map((p) => [
                p.FunctionArn?.split(':').pop() ?? '',
                p.RequestedProvisionedConcurrentExecutions ?? 0,
              ]),
          ),
          eventSourceMaxConcurrency: mapping?.ScalingConfig?.MaximumConcurrency ?? null,
        };
      }),
    };
  },
  summary: (a: ThrottlingOutcome) =>
    `${a.runbookOutcome} · cause ${a.cause} · change: ${a.change} · throttling ${a.throttling} · ${a.changes} change(s) recorded`,
} satisfies Omit<
  Scenario<ConcurrencyWorld, ThrottlingOutcome, ConcurrencyFinalState>,
  'id' | 'description' | 'environment' | 'setup' | 'inject' | 'expected'
>;
