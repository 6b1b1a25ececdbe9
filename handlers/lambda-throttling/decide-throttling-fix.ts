import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import type { Environment, StepCore } from '../lib/step-deps.js';
import {
  type ConcurrencyEvidence,
  type ConsumerFigures,
  type FunctionEvidence,
  type ThrottlingDecision,
  type ThrottlingGuardrails,
  throttlingGuardrailsSchema,
} from './contract.js';
import { type Context, changing, escalate } from './throttling-decision.js';

const inputSchema = z.object({
  evidence: z.custom<ConcurrencyEvidence>(
    (v) => typeof v === 'object' && v !== null && 'account' in v && 'target' in v,
    'is not concurrency evidence',
  ),
  guardrails: throttlingGuardrailsSchema,
});

export type DecideThrottlingFixInput = z.input<typeof inputSchema>;

/** Another function without a reservation that takes at least `neighbourShare` of a full unreserved pool. */
function noisyNeighbour(c: Context): ConsumerFigures | undefined {
  const pool = c.e.account.unreserved;
  if (c.e.account.peakUnreservedInUse < c.g.exhaustedShare * pool) return undefined;
  return c.e.consumers.find(
    (f) =>
      f.functionName !== c.e.fn?.functionName &&
      f.reserved === null &&
      f.peakConcurrency >= c.g.neighbourShare * pool,
  );
}

function capNeighbour(c: Context, neighbour: ConsumerFigures): ThrottlingDecision {
  const cap = Math.min(Math.floor(neighbour.peakConcurrency / 2), c.room);
  const why = `${neighbour.functionName}, without a reservation, took ${neighbour.peakConcurrency} of the ${c.e.account.unreserved} unreserved concurrency`;
  if (cap < 1)
    return escalate(
      c,
      'noisy-neighbour',
      `${why}, and no cap would keep ${c.g.minimumUnreserved + c.g.unreservedMargin} unreserved`,
    );
  return changing(
    c,
    'noisy-neighbour',
    { kind: 'reserved-concurrency', functionName: neighbour.functionName, from: null, to: cap },
    `${why}: capping it at half its peak frees the pool for everyone else`,
  );
}

function exhausted(c: Context): ThrottlingDecision {
  const desiredValue = Math.max(c.e.account.limit * 2, Math.ceil(c.e.account.peakClaimed * 1.5));
  const reclaimable = c.e.reservations.filter(
    (r) => r.reserved !== null && r.peakConcurrency < 0.5 * r.reserved,
  );
  return escalate(
    c,
    'account-exhausted',
    `claimed concurrency reached ${c.e.account.peakClaimed} of the account's ${c.e.account.limit}; raising any function would starve the others`,
    {
      quotaRequest: {
        quotaName: 'Concurrent executions',
        desiredValue,
        command:
          'aws service-quotas request-service-quota-increase --service-code lambda --quota-code "$(aws service-quotas list-service-quotas --service-code lambda --query "Quotas[?QuotaName==\'Concurrent executions\'].QuotaCode" --output text)" ' +
          `--desired-value ${desiredValue}`,
      },
      reclaimable,
    },
  );
}

function forFunction(c: Context, fn: FunctionEvidence): ThrottlingDecision {
  const { recent, baseline } = fn;
  const { g } = c;
  // 1. Asynchronous throttles that Lambda's retries absorb, with somewhere for failures to go.
  const maxAgeMs = (fn.async?.maximumEventAgeInSeconds ?? 21_600) * 1000;
  if (
    recent.asyncReceived > 0 &&
    recent.asyncReceived >= g.asyncShare * recent.invocations &&
    fn.eventSources.length === 0 &&
    recent.asyncDropped === 0 &&
    recent.oldestAsyncEventMs < maxAgeMs / 2 &&
    (fn.async?.onFailure || fn.deadLetterTarget)
  ) {
    return {
      cause: 'absorbed',
      action: 'none',
      reason: 'Lambda retries the throttled asynchronous events within their maximum age',
      reasoning: [
        ...c.reasoning,
        `the throttled requests are asynchronous events: Lambda retries them for up to ${maxAgeMs / 1000} s, the oldest waited ${Math.round(recent.oldestAsyncEventMs / 1000)} s, none were dropped, and failures go to ${fn.async?.onFailure ?? fn.deadLetterTarget}`,
      ],
      summary: `Nothing to change: ${fn.functionName}'s throttles are asynchronous events that Lambda retries within their maximum age`,
      approval: g.approval[c.environment],
      verifyFunction: fn.functionName,
    };
  }
  // 2. An SQS event source polling beyond the function's reservation.
  const source = fn.eventSources.find(
    (s) => fn.reserved !== null && (s.maximumConcurrency === null || s.maximumConcurrency > fn.reserved),
  );
  if (source && fn.reserved !== null) {
    const why = `the SQS event source ${source.sourceArn} polls ${source.maximumConcurrency === null ? 'without a maximum concurrency' : `up to ${source.maximumConcurrency}`} beyond the function's reserved concurrency (${fn.reserved}): throttled batches return to the queue and end in its DLQ`;
    if (fn.reserved < 2)
      return escalate(
        c,
        'sqs-consumer-over-cap',
        `${why}; a mapping's maximum concurrency cannot go below 2`,
      );
    return changing(
      c,
      'sqs-consumer-over-cap',
      {
        kind: 'event-source-max-concurrency',
        functionName: fn.functionName,
        uuid: source.uuid,
        from: source.maximumConcurrency,
        to: fn.reserved,
      },
      `${why}; AWS advises a maximum concurrency no higher than the reservation`,
    );
  }
  // 3. Concurrency rose because invocations got slower, not busier: more capacity feeds the fire.
  if (
    baseline.averageDurationMs > 0 &&
    recent.averageDurationMs >= g.latencyRiseFactor * baseline.averageDurationMs &&
    recent.averageDemandPerMinute <= g.trafficRiseFactor * baseline.averageDemandPerMinute
  ) {
    return escalate(
      c,
      'latency-driven',
      `duration rose from ${Math.round(baseline.averageDurationMs)} ms to ${Math.round(recent.averageDurationMs)} ms while demand stayed at about ${Math.round(recent.averageDemandPerMinute)} a minute: a slow dependency, which more concurrency would load further`,
    );
  }
  // 4. Another function without a reservation eats the shared pool.
  if (fn.reserved === null) {
    const neighbour = noisyNeighbour(c);
    if (neighbour) return capNeighbour(c, neighbour);
  }
  // 5. The account itself is out of concurrency.
  if (c.e.account.peakClaimed >= g.exhaustedShare * c.e.account.limit) return exhausted(c);
  // 6. The function runs at its own reservation.
  if (fn.reserved !== null && recent.peakConcurrency >= g.atCapShare * fn.reserved && recent.throttles > 0) {
    const to = Math.min(Math.floor(fn.reserved * g.maxRaiseFactor), g.reservedCeiling, fn.reserved + c.room);
    const why = `${fn.functionName} ran at ${recent.peakConcurrency} of its reserved ${fn.reserved}`;
    if (to <= fn.reserved) {
      return escalate(
        c,
        'function-cap',
        `${why}, and a raise would break the ceiling (${g.reservedCeiling}) or leave less than ${g.minimumUnreserved + g.unreservedMargin} unreserved`,
      );
    }
    return changing(
      c,
      'function-cap',
      { kind: 'reserved-concurrency', functionName: fn.functionName, from: fn.reserved, to },
      why,
    );
  }
  // 7. A sudden burst on an alias that environments cannot be created fast enough for.
  if (
    fn.alias &&
    baseline.averageDemandPerMinute > 0 &&
    recent.peakDemandPerMinute >= g.burstFactor * baseline.averageDemandPerMinute
  ) {
    const current = fn.provisioned.find((p) => p.qualifier === fn.alias)?.requested ?? null;
    const burstConcurrency = Math.ceil(
      Math.max(recent.peakConcurrency, (recent.peakDemandPerMinute / 60) * (recent.averageDurationMs / 1000)),
    );
    const otherProvisioned = fn.provisioned
      .filter((p) => p.qualifier !== fn.alias)
      .reduce((sum, p) => sum + p.requested, 0);
    const fits = fn.reserved !== null ? fn.reserved - otherProvisioned : (current ?? 0) + c.room;
    const to = Math.min(g.provisionedCeiling, burstConcurrency, fits);
    const why = `demand peaked at ${recent.peakDemandPerMinute} a minute against ${Math.round(baseline.averageDemandPerMinute)} before (about ${burstConcurrency} concurrent), faster than Lambda adds environments`;
    if (to <= (current ?? 0))
      return escalate(
        c,
        'cold-burst',
        `${why}, and more provisioned concurrency would break its ceiling or the reservation`,
      );
    const hourlyCostUsd = to * (fn.memorySize / 1024) * 3600 * g.provisionedPricePerGbSecondUsd;
    return changing(
      c,
      'cold-burst',
      {
        kind: 'provisioned-concurrency',
        functionName: fn.functionName,
        qualifier: fn.alias,
        from: current,
        to,
        hourlyCostUsd,
      },
      `${why}: provisioned concurrency on ${fn.alias} keeps environments ready`,
    );
  }
  return escalate(c, 'undetermined', 'no known cause fits the evidence; a human should look');
}

/**
 * Decides the one cause of the throttling and the one fix that fits, inside the guardrails:
 * asynchronous throttles that retries absorb (nothing to do); an SQS event source polling past the
 * reservation (cap the mapping); latency (escalate: more capacity feeds the fire); a noisy
 * neighbour (cap it, always with a human); an exhausted account (escalate with a quota request and
 * what could be reclaimed); a function at its reservation (raise it); a cold burst on an alias
 * (provisioned concurrency). Never leaves less than Lambda's minimum plus the margin unreserved.
 */
export function decideFix(
  e: ConcurrencyEvidence,
  g: ThrottlingGuardrails,
  environment: Environment,
): ThrottlingDecision {
  const c: Context = {
    e,
    g,
    environment,
    room: Math.max(0, e.account.unreserved - g.minimumUnreserved - g.unreservedMargin),
    reasoning: [
      `account: limit ${e.account.limit}, ${e.account.unreserved} unreserved, peak claimed ${e.account.peakClaimed}, peak unreserved in use ${e.account.peakUnreservedInUse}`,
      ...(e.fn
        ? [
            `${e.fn.functionName}${e.fn.alias ? `:${e.fn.alias}` : ''}: reserved ${e.fn.reserved ?? 'none'}, ${e.fn.recent.throttles} throttles and ${e.fn.recent.invocations} invocations in the last ${e.fn.recent.minutes} minutes, peak concurrency ${e.fn.recent.peakConcurrency}`,
          ]
        : []),
    ],
  };
  if (e.fn) return forFunction(c, e.fn);
  const neighbour = noisyNeighbour(c);
  if (neighbour) return capNeighbour(c, neighbour);
  if (e.account.peakClaimed >= g.exhaustedShare * e.account.limit) return exhausted(c);
  return escalate(c, 'undetermined', 'the account has room and no single function takes the unreserved pool');
}

/** The decision step: pure, it only reads the evidence. */
export const decideThrottlingFix: StepCore<DecideThrottlingFixInput, ThrottlingDecision> = async (
  rawInput,
  deps,
) => {
  const { evidence, guardrails } = parseInput(inputSchema, rawInput, 'decide-throttling-fix');
  return decideFix(evidence, guardrails, deps.environment);
};

// Stryker disable all: a step's clients and permissions are checked by the IAM tests (each
// permission removed in turn fails a game day), which mutation runs leave out.
/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'decide-throttling-fix',
  module: import.meta.url,
  clients: {},
  core: decideThrottlingFix,
  permissions: [],
});
// Stryker restore all

export const handler = step.handler;
