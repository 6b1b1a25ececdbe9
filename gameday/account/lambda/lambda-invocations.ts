import type { MetricStore } from '../metric-store.js';
import { ConcurrencyEngine, type DemandOutcome } from './concurrency-engine.js';
import type { ConcurrencySettings } from './concurrency-settings.js';
import type { FunctionLookup } from './lambda-model.js';

/** Requests for a function in one minute, through an alias (weighted routing) or unqualified. */
export interface InvocationRequest {
  readonly functionName: string;
  readonly alias?: string;
  readonly kind: 'sync' | 'async';
  /** Requests arriving in each second of the minute (60 entries). */
  readonly perSecond: readonly number[];
}

/** What the callers of a request saw: throttled (429) and failed invocations. */
export interface InvocationResult extends DemandOutcome {
  /** Invocations that ran and failed (throttled requests are counted apart). */
  readonly errors: number;
}

/** Evenly spread `count` requests over the 60 seconds of a minute. */
export function evenly(count: number): number[] {
  return Array.from({ length: 60 }, () => count / 60);
}

type Dimensions = Record<string, string>;

/**
 * Invocations of the account's functions, minute by minute: routed by alias weight to versions,
 * served through the concurrency engine, failing at each version's error rate, and published as
 * the AWS/Lambda metrics with CloudWatch's names and dimensions: per function, per alias
 * (`Resource`), per alias and executed version, and account-wide (no dimension)
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 */
export class LambdaInvocations {
  private readonly engine: ConcurrencyEngine;

  constructor(
    private readonly lambda: FunctionLookup,
    private readonly settings: ConcurrencySettings,
    private readonly metrics: MetricStore,
  ) {
    this.engine = new ConcurrencyEngine(settings);
  }

  /** Serves every request of the minute starting at `at` together (they share the account's concurrency). */
  serveMinute(requests: readonly InvocationRequest[], at: Date): InvocationResult[] {
    const routes = requests.map((r) => this.route(r));
    const demands = requests.map((r, i) => ({
      ...r,
      durationMs: (routes[i] ?? []).reduce((sum, v) => sum + v.share * v.durationMs, 0),
    }));
    const { outcomes, account } = this.engine.serveMinute(demands, at.getTime());
    const results = requests.map((request, i) => {
      const outcome = outcomes[i] as DemandOutcome;
      const errors = this.recordRequest(request, routes[i] ?? [], outcome, at);
      return { ...outcome, errors };
    });
    for (const [functionName, peak] of account.concurrentByFunction) {
      this.point('ConcurrentExecutions', { FunctionName: functionName }, peak, at);
    }
    // Lambda also publishes its metrics aggregated over every function of the account.
    this.point(
      'Invocations',
      {},
      results.reduce((sum, r) => sum + r.executed, 0),
      at,
    );
    this.point(
      'Throttles',
      {},
      results.reduce((sum, r) => sum + r.throttled, 0),
      at,
    );
    this.point('ConcurrentExecutions', {}, account.concurrent, at);
    this.point('UnreservedConcurrentExecutions', {}, account.unreserved, at);
    this.point('ClaimedAccountConcurrency', {}, account.claimed, at);
    return results;
  }

  /**
   * Records invocations of a function not reached through an alias (an SQS consumer, say), and
   * when known the executions that ran at once.
   */
  recordInvocations(
    functionName: string,
    invocations: number,
    errors: number,
    at: Date,
    throttles = 0,
    concurrency?: number,
  ): void {
    this.lambda.fn(functionName);
    if (invocations + throttles === 0) return;
    const dimensions = [{ FunctionName: functionName }];
    this.countMetrics(dimensions, invocations, errors, 100, at);
    for (const d of dimensions) this.point('Throttles', d, throttles, at);
    if (concurrency !== undefined) this.point('ConcurrentExecutions', dimensions[0] ?? {}, concurrency, at);
  }

  /** The versions a request lands on, with their share of it and their behaviour. */
  private route(request: InvocationRequest) {
    const fn = this.lambda.fn(request.functionName);
    const faulted = (behaviour: { errorRate: number; durationMs: number }) =>
      this.lambda.faults.apply(fn.name, behaviour);
    if (!request.alias) {
      const latest = [...fn.versions.values()].at(-1);
      return [
        {
          version: latest?.version ?? '$LATEST',
          share: 1,
          ...faulted(latest?.behaviour ?? { errorRate: 0, durationMs: 100 }),
        },
      ];
    }
    const alias = this.lambda.alias(fn, request.alias);
    const extra = Object.entries(alias.weights);
    const primaryShare = 1 - extra.reduce((sum, [, w]) => sum + w, 0);
    return [[alias.functionVersion, primaryShare] as const, ...extra].map(([version, share]) => ({
      version,
      share,
      ...faulted(this.lambda.version(fn, version).behaviour),
    }));
  }

  private recordRequest(
    request: InvocationRequest,
    routes: readonly {
      version: string;
      share: number;
      errorRate: number;
      durationMs: number;
      statusErrorRate: number;
    }[],
    outcome: DemandOutcome,
    at: Date,
  ): number {
    const fnDims: Dimensions = { FunctionName: request.functionName };
    const aliasDims: Dimensions | undefined = request.alias
      ? { FunctionName: request.functionName, Resource: `${request.functionName}:${request.alias}` }
      : undefined;
    let errors = 0;
    for (const route of routes) {
      const invocations = Math.round(outcome.executed * route.share);
      if (invocations <= 0) continue;
      const failed = Math.round(invocations * route.errorRate);
      // Injected 5XX responses fail the caller, not the function.
      errors += failed + Math.round((invocations - failed) * route.statusErrorRate);
      const dimensions = [
        fnDims,
        ...(aliasDims ? [aliasDims, { ...aliasDims, ExecutedVersion: route.version }] : []),
      ];
      this.countMetrics(dimensions, invocations, failed, route.durationMs, at);
    }
    for (const d of [fnDims, ...(aliasDims ? [aliasDims] : [])])
      this.point('Throttles', d, outcome.throttled, at);
    if (aliasDims && this.settings.provisionedOf(request.functionName) > 0) {
      this.point('ProvisionedConcurrencyInvocations', aliasDims, outcome.onProvisioned, at);
      this.point('ProvisionedConcurrencySpilloverInvocations', aliasDims, outcome.spillover, at);
    }
    if (request.kind === 'async') {
      this.point('AsyncEventsReceived', fnDims, outcome.asyncReceived, at);
      this.point('AsyncEventsDropped', fnDims, outcome.asyncDropped, at);
      this.point('AsyncEventAge', fnDims, outcome.asyncOldestMs, at);
    }
    return errors;
  }

  private countMetrics(
    dimensionSets: readonly Dimensions[],
    invocations: number,
    failed: number,
    durationMs: number,
    at: Date,
  ): void {
    for (const dimensions of dimensionSets) {
      this.point('Invocations', dimensions, invocations, at);
      this.metrics.record({ namespace: 'AWS/Lambda', name: 'Errors', dimensions }, at, {
        sum: failed,
        count: invocations,
        min: failed > 0 ? (failed === invocations ? 1 : 0) : 0,
        max: failed > 0 ? 1 : 0,
      });
      this.metrics.record({ namespace: 'AWS/Lambda', name: 'Duration', dimensions }, at, {
        sum: invocations * durationMs,
        count: invocations,
        min: durationMs,
        max: durationMs,
      });
    }
  }

  /** One value for the minute: its Sum, Maximum and Average read the same. */
  private point(name: string, dimensions: Dimensions, value: number, at: Date): void {
    this.metrics.record({ namespace: 'AWS/Lambda', name, dimensions }, at, {
      sum: value,
      count: 1,
      min: value,
      max: value,
    });
  }
}
