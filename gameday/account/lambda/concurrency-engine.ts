import type { ConcurrencySettings } from './concurrency-settings.js';

/** Requests for one function (through one alias, if any) in one minute. */
export interface InvocationDemand {
  readonly functionName: string;
  /** Provisioned concurrency on this alias serves first. */
  readonly alias?: string;
  /** Synchronous callers get 429 when throttled; asynchronous events are retried later. */
  readonly kind: 'sync' | 'async';
  /** Requests arriving in each second of the minute (60 entries). */
  readonly perSecond: readonly number[];
  /** How long one invocation runs (the invoked versions' behaviour, by routing weight). */
  readonly durationMs: number;
}

/** What became of one demand's requests in the minute. */
export interface DemandOutcome {
  readonly executed: number;
  /** Invocations run on provisioned concurrency (included in `executed`). */
  readonly onProvisioned: number;
  /** Invocations beyond provisioned concurrency while some is configured (included in `executed`). */
  readonly spillover: number;
  /** Requests answered 429 (synchronous) or events throttled and left for a retry (asynchronous). */
  readonly throttled: number;
  /** Asynchronous events that arrived (retries not counted again). */
  readonly asyncReceived: number;
  /** Asynchronous events dropped because they outlived their maximum event age. */
  readonly asyncDropped: number;
  /** Oldest asynchronous event processed or still waiting, in milliseconds. */
  readonly asyncOldestMs: number;
}

/** The account's concurrency over the minute, as the account-level metrics report it. */
export interface AccountMinute {
  /** Highest number of executions in flight at once, per function and in the account. */
  readonly concurrentByFunction: ReadonlyMap<string, number>;
  readonly concurrent: number;
  /** Highest concurrency of functions without a reservation. */
  readonly unreserved: number;
  /** Highest concurrency unavailable to on-demand invocations: in use unreserved, plus reserved and provisioned. */
  readonly claimed: number;
}

/** Lambda adds at most 1,000 environments a function every 10 seconds, refilled continuously, never banked beyond that. */
const scalingBurst = 1_000;
const scalingPerSecond = 100;
/** Idle environments stay warm this long (Lambda documents no figure; minutes is what is observed). */
const warmMinutes = 5;
/** Lambda retries throttled asynchronous events with backoff; the simulator retries a minute later. */
const asyncRetrySeconds = 60;

interface FunctionState {
  /** New environments the function may still add now (the scaling rate). */
  tokens: number;
  /** The most environments in use in each of the last minutes, newest last. */
  earlierPeaks: number[];
  /** The most environments in use so far this minute. */
  peak: number;
  /** Throttled asynchronous events waiting for a retry, by alias key. */
  retries: Retry[];
}

interface Retry {
  readonly key: string;
  readonly count: number;
  /** When the oldest of these events first arrived: their age counts from there. */
  readonly firstAt: number;
  readonly dueAt: number;
}

const keyOf = (d: { functionName: string; alias?: string | undefined }) =>
  `${d.functionName}:${d.alias ?? ''}`;

/**
 * Serves each second of a minute's invocation demand as Lambda's concurrency model documents it:
 * provisioned concurrency on an alias first; the rest on demand, within the function's reserved
 * concurrency or the unreserved pool it shares with every function without a reservation (shared
 * in proportion to demand when short); new environments at most 1,000 per 10 seconds per function;
 * concurrency as arrival rate × duration. What finds no capacity is throttled
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
export class ConcurrencyEngine {
  private readonly functions = new Map<string, FunctionState>();

  constructor(private readonly settings: ConcurrencySettings) {}

  serveMinute(
    demands: readonly InvocationDemand[],
    minuteStart: number,
  ): { outcomes: DemandOutcome[]; account: AccountMinute } {
    const outcomes = demands.map(() => ({
      executed: 0,
      onProvisioned: 0,
      spillover: 0,
      throttled: 0,
      asyncReceived: 0,
      asyncDropped: 0,
      asyncOldestMs: 0,
    }));
    const byFunctionPeak = new Map<string, number>();
    let concurrent = 0;
    let unreservedPeak = 0;
    let claimedPeak = 0;
    for (let second = 0; second < 60; second += 1) {
      const now = minuteStart + second * 1000;
      const wanted = demands.map((d, i) => {
        const fresh = d.perSecond[second] ?? 0;
        const retried = this.dueRetries(d, now);
        const outcome = outcomes[i];
        if (outcome && d.kind === 'async') {
          outcome.asyncReceived += fresh;
          if (retried.count > 0)
            outcome.asyncOldestMs = Math.max(outcome.asyncOldestMs, now - retried.firstAt);
        }
        const arrivals = fresh + retried.count;
        return { arrivals, firstAt: retried.firstAt, concurrency: (arrivals * d.durationMs) / 1000 };
      });
      const granted = this.grant(
        demands,
        wanted.map((w) => w.concurrency),
      );
      let unreservedNow = 0;
      let total = 0;
      const perFunction = new Map<string, number>();
      demands.forEach((d, i) => {
        const want = wanted[i];
        const got = granted[i];
        const outcome = outcomes[i];
        if (!want || !got || !outcome) return;
        const perInvocation = d.durationMs / 1000;
        const executed = Math.min(
          want.arrivals,
          perInvocation > 0 ? (got.provisioned + got.onDemand) / perInvocation : want.arrivals,
        );
        const onProvisioned = perInvocation > 0 ? Math.min(executed, got.provisioned / perInvocation) : 0;
        const throttled = want.arrivals - executed;
        outcome.executed += executed;
        outcome.onProvisioned += onProvisioned;
        if (got.provisionedConfigured) outcome.spillover += executed - onProvisioned;
        outcome.throttled += throttled;
        if (throttled > 0 && d.kind === 'async') this.retryLater(d, throttled, want.firstAt, now, outcome);
        const inFlight = got.provisioned + got.onDemand;
        perFunction.set(d.functionName, (perFunction.get(d.functionName) ?? 0) + inFlight);
        if (this.settings.reservedOf(d.functionName) === undefined) unreservedNow += inFlight;
        total += inFlight;
      });
      for (const [name, value] of perFunction)
        byFunctionPeak.set(name, Math.max(byFunctionPeak.get(name) ?? 0, value));
      const claimedNow = unreservedNow + (this.settings.accountLimit - this.settings.unreserved());
      concurrent = Math.max(concurrent, total);
      unreservedPeak = Math.max(unreservedPeak, unreservedNow);
      claimedPeak = Math.max(claimedPeak, claimedNow);
      for (const state of this.functions.values())
        state.tokens = Math.min(scalingBurst, state.tokens + scalingPerSecond);
    }
    for (const state of this.functions.values()) {
      state.earlierPeaks = [...state.earlierPeaks, state.peak].slice(-warmMinutes);
      state.peak = 0;
    }
    const round = (o: (typeof outcomes)[number]) => ({
      ...o,
      executed: Math.round(o.executed),
      onProvisioned: Math.round(o.onProvisioned),
      spillover: Math.round(o.spillover),
      throttled: Math.round(o.throttled),
      asyncReceived: Math.round(o.asyncReceived),
      asyncDropped: Math.round(o.asyncDropped),
    });
    return {
      outcomes: outcomes.map(round),
      account: {
        concurrentByFunction: new Map([...byFunctionPeak].map(([k, v]) => [k, Math.ceil(v)])),
        concurrent: Math.ceil(concurrent),
        unreserved: Math.ceil(unreservedPeak),
        claimed: Math.ceil(claimedPeak),
      },
    };
  }

  /** Concurrency each demand gets this second: provisioned first, then on demand within its limits and the scaling rate. */
  private grant(demands: readonly InvocationDemand[], wanted: readonly number[]) {
    const provisionedLeft = new Map<string, number>();
    const grants = demands.map((d, i) => {
      const key = keyOf(d);
      const ready = d.alias ? this.settings.readyProvisioned(d.functionName, d.alias) : 0;
      if (!provisionedLeft.has(key)) provisionedLeft.set(key, ready);
      const provisioned = Math.min(wanted[i] ?? 0, provisionedLeft.get(key) ?? 0);
      provisionedLeft.set(key, (provisionedLeft.get(key) ?? 0) - provisioned);
      return {
        provisioned,
        onDemand: 0,
        rest: (wanted[i] ?? 0) - provisioned,
        provisionedConfigured: ready > 0,
      };
    });
    // On-demand concurrency each function wants, and what its reservation or the shared pool allows.
    const want = new Map<string, number>();
    grants.forEach((g, i) => {
      const name = demands[i]?.functionName ?? '';
      want.set(name, (want.get(name) ?? 0) + g.rest);
    });
    const allowed = new Map<string, number>();
    let unreservedWant = 0;
    for (const [name, w] of want) {
      const reserved = this.settings.reservedOf(name);
      if (reserved === undefined) unreservedWant += w;
      else allowed.set(name, Math.min(w, Math.max(0, reserved - this.settings.provisionedOf(name))));
    }
    const pool = Math.max(0, this.settings.unreserved());
    const share = unreservedWant <= pool ? 1 : pool / unreservedWant;
    for (const [name, w] of want) if (!allowed.has(name)) allowed.set(name, w * share);
    // New environments come at the scaling rate; warm ones (recently used) are there already.
    for (const [name, value] of allowed) {
      const state = this.state(name);
      const warm = Math.max(state.peak, ...state.earlierPeaks);
      const granted = Math.min(value, warm + state.tokens);
      state.tokens -= Math.max(0, granted - warm);
      state.peak = Math.max(state.peak, granted);
      allowed.set(name, granted);
    }
    grants.forEach((g, i) => {
      const name = demands[i]?.functionName ?? '';
      const total = want.get(name) ?? 0;
      g.onDemand = total > 0 ? ((allowed.get(name) ?? 0) * g.rest) / total : 0;
    });
    return grants;
  }

  private state(functionName: string): FunctionState {
    let state = this.functions.get(functionName);
    if (!state) {
      state = { tokens: scalingBurst, earlierPeaks: [], peak: 0, retries: [] };
      this.functions.set(functionName, state);
    }
    return state;
  }

  /** Throttled asynchronous events return after a while, unless they outlived their maximum event age. */
  private retryLater(
    d: InvocationDemand,
    count: number,
    firstAt: number,
    now: number,
    outcome: { asyncDropped: number },
  ): void {
    const maxAgeMs = (this.settings.asyncConfigOf(d.functionName)?.maximumEventAgeInSeconds ?? 21_600) * 1000;
    if (now + asyncRetrySeconds * 1000 - firstAt > maxAgeMs) {
      outcome.asyncDropped += count;
      return;
    }
    this.state(d.functionName).retries.push({
      key: keyOf(d),
      count,
      firstAt,
      dueAt: now + asyncRetrySeconds * 1000,
    });
  }

  /** Retries of this demand's throttled events that are due now, and when the oldest first arrived. */
  private dueRetries(d: InvocationDemand, now: number): { count: number; firstAt: number } {
    if (d.kind !== 'async') return { count: 0, firstAt: now };
    const state = this.state(d.functionName);
    const key = keyOf(d);
    const due = state.retries.filter((r) => r.key === key && r.dueAt <= now);
    if (!due.length) return { count: 0, firstAt: now };
    state.retries = state.retries.filter((r) => !due.includes(r));
    return {
      count: due.reduce((sum, r) => sum + r.count, 0),
      firstAt: Math.min(...due.map((r) => r.firstAt)),
    };
  }
}
