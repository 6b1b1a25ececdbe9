import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restoreCommand } from '../../../handlers/lambda-throttling/concurrency-change.js';
import type {
  ConcurrencyEvidence,
  FunctionEvidence,
  WindowFigures,
} from '../../../handlers/lambda-throttling/contract.js';
import { decideFix, decideThrottlingFix } from '../../../handlers/lambda-throttling/decide-throttling-fix.js';
import type { StepDeps } from '../../../handlers/lib/step-deps.js';
import { lambdaThrottling } from '../../../runbooks/lambda-throttling/runbook.js';
import { propertyRuns } from '../../support/property-runs.js';

const { guardrails } = lambdaThrottling;
const floor = guardrails.minimumUnreserved + guardrails.unreservedMargin;

const window = (overrides: Partial<WindowFigures> = {}): WindowFigures => ({
  minutes: 5,
  invocations: 3_000,
  throttles: 0,
  peakDemandPerMinute: 600,
  averageDemandPerMinute: 600,
  peakConcurrency: 10,
  averageDurationMs: 200,
  spillover: 0,
  asyncReceived: 0,
  asyncDropped: 0,
  oldestAsyncEventMs: 0,
  ...overrides,
});

function evidence(
  fn:
    | (Partial<Omit<FunctionEvidence, 'recent' | 'baseline'>> & {
        recent?: Partial<WindowFigures>;
        baseline?: Partial<WindowFigures>;
      })
    | null,
  account: Partial<ConcurrencyEvidence['account']> = {},
  others: Partial<Pick<ConcurrencyEvidence, 'consumers' | 'reservations'>> = {},
): ConcurrencyEvidence {
  return {
    target: fn ? 'lambda:api:live' : 'account:123456789012:eu-west-1',
    scope: fn ? 'function' : 'account',
    alarm: null,
    account: {
      limit: 1_000,
      unreserved: 900,
      peakClaimed: 200,
      peakUnreservedInUse: 50,
      peakConcurrent: 150,
      ...account,
    },
    fn: fn
      ? {
          functionName: 'api',
          alias: 'live',
          memorySize: 512,
          reserved: null,
          provisioned: [],
          eventSources: [],
          async: null,
          deadLetterTarget: null,
          ...fn,
          recent: window({ throttles: 100, ...fn.recent }),
          baseline: window(fn.baseline),
        }
      : null,
    consumers: others.consumers ?? [],
    reservations: others.reservations ?? [],
    gatheredAt: '2026-03-02T10:00:00.000Z',
  };
}

describe('decideFix: a function at its reservation', () => {
  it('raises the reservation to twice its value', () => {
    const decision = decideFix(
      evidence({ reserved: 20, recent: { peakConcurrency: 20 } }),
      guardrails,
      'dev',
    );
    expect(decision).toMatchObject({
      cause: 'function-cap',
      action: 'change',
      approval: 'auto',
      change: { kind: 'reserved-concurrency', functionName: 'api', from: 20, to: 40 },
      restoreCommand:
        'aws lambda put-function-concurrency --function-name api --reserved-concurrent-executions 20',
      unreservedAfter: 880,
    });
  });

  it('counts a function at 90% of its reservation as at its cap, and one below that not', () => {
    expect(
      decideFix(evidence({ reserved: 100, recent: { peakConcurrency: 90 } }), guardrails, 'dev').cause,
    ).toBe('function-cap');
    expect(
      decideFix(evidence({ reserved: 100, recent: { peakConcurrency: 89 } }), guardrails, 'dev').cause,
    ).not.toBe('function-cap');
  });

  it('never raises above the ceiling', () => {
    const decision = decideFix(
      evidence({ reserved: 400, recent: { peakConcurrency: 400 } }, { unreserved: 600 }),
      guardrails,
      'dev',
    );
    expect(decision.change).toMatchObject({ from: 400, to: guardrails.reservedCeiling });
  });

  it('raises only as far as keeps 100 plus the margin unreserved', () => {
    const decision = decideFix(
      evidence({ reserved: 20, recent: { peakConcurrency: 20 } }, { unreserved: floor + 5 }),
      guardrails,
      'dev',
    );
    expect(decision.change).toMatchObject({ to: 25 });
    expect(decision.unreservedAfter).toBe(floor);
  });

  it('escalates when no raise fits, changing nothing', () => {
    const decision = decideFix(
      evidence({ reserved: 20, recent: { peakConcurrency: 20 } }, { unreserved: floor }),
      guardrails,
      'dev',
    );
    expect(decision).toMatchObject({ cause: 'function-cap', action: 'escalate' });
    expect(decision.change).toBeUndefined();
  });

  it('asks a human in staging and prod', () => {
    const e = evidence({ reserved: 20, recent: { peakConcurrency: 20 } });
    expect(decideFix(e, guardrails, 'staging').approval).toBe('human');
    expect(decideFix(e, guardrails, 'prod').approval).toBe('human');
  });
});

describe('decideFix: the account', () => {
  it('escalates an exhausted account with a quota request and the reservations it could reclaim', () => {
    const decision = decideFix(
      evidence({}, { peakClaimed: 950, unreserved: 200, peakUnreservedInUse: 120 }),
      guardrails,
      'dev',
      // batch-1 uses 10 of 80 (reclaimable), batch-2 70 of 80 (not)
    );
    expect(decision).toMatchObject({ cause: 'account-exhausted', action: 'escalate', approval: 'human' });
    expect(decision.quotaRequest?.desiredValue).toBe(2_000);
    expect(decision.quotaRequest?.command).toContain("QuotaName=='Concurrent executions'");
    expect(decision.change).toBeUndefined();
    const withReservations = decideFix(
      evidence(
        {},
        { peakClaimed: 950 },
        {
          reservations: [
            { functionName: 'batch-1', reserved: 80, peakConcurrency: 10 },
            { functionName: 'batch-2', reserved: 80, peakConcurrency: 70 },
          ],
        },
      ),
      guardrails,
      'dev',
    );
    expect(withReservations.reclaimable?.map((r) => r.functionName)).toEqual(['batch-1']);
  });

  it('treats 95% of the limit claimed as exhausted, and less as not', () => {
    expect(decideFix(evidence({}, { peakClaimed: 950 }), guardrails, 'dev').cause).toBe('account-exhausted');
    expect(decideFix(evidence({}, { peakClaimed: 949 }), guardrails, 'dev').cause).not.toBe(
      'account-exhausted',
    );
  });
});

describe('decideFix: a noisy neighbour', () => {
  const full = { unreserved: 1_000, peakUnreservedInUse: 1_000, peakClaimed: 1_000 };
  const neighbour = (peak: number) => ({
    consumers: [{ functionName: 'report', reserved: null, peakConcurrency: peak }],
  });

  it('proposes capping the neighbour at half its peak, always with a human', () => {
    const decision = decideFix(evidence({}, full, neighbour(970)), guardrails, 'dev');
    expect(decision).toMatchObject({
      cause: 'noisy-neighbour',
      action: 'change',
      approval: 'human',
      change: { kind: 'reserved-concurrency', functionName: 'report', from: null, to: 485 },
      restoreCommand: 'aws lambda delete-function-concurrency --function-name report',
    });
  });

  it('needs the neighbour to take half the pool', () => {
    expect(decideFix(evidence({}, full, neighbour(500)), guardrails, 'dev').cause).toBe('noisy-neighbour');
    expect(decideFix(evidence({}, full, neighbour(499)), guardrails, 'dev').cause).not.toBe(
      'noisy-neighbour',
    );
  });

  it('finds the neighbour for an account-wide alarm too', () => {
    expect(decideFix(evidence(null, full, neighbour(970)), guardrails, 'dev')).toMatchObject({
      cause: 'noisy-neighbour',
      verifyFunction: null,
    });
  });
});

describe('decideFix: a cold burst', () => {
  const burst = {
    recent: { peakDemandPerMinute: 90_000, peakConcurrency: 1_500, averageDurationMs: 1_000 },
    baseline: { averageDemandPerMinute: 1_200, averageDurationMs: 1_000 },
  };

  it('provisions concurrency on the alias up to its ceiling, with the hourly cost', () => {
    const decision = decideFix(evidence(burst, { limit: 3_000, unreserved: 3_000 }), guardrails, 'dev');
    expect(decision).toMatchObject({
      cause: 'cold-burst',
      change: { kind: 'provisioned-concurrency', qualifier: 'live', from: null, to: 1_000 },
      restoreCommand: 'aws lambda delete-provisioned-concurrency-config --function-name api --qualifier live',
    });
    expect(decision.change?.kind === 'provisioned-concurrency' && decision.change.hourlyCostUsd).toBeCloseTo(
      7.5,
      2,
    );
  });

  it('fits provisioned concurrency inside the function’s reservation', () => {
    const decision = decideFix(
      evidence(
        { ...burst, reserved: 300, recent: { ...burst.recent, peakConcurrency: 200 } },
        { limit: 3_000, unreserved: 2_700 },
      ),
      guardrails,
      'dev',
    );
    expect(decision.change).toMatchObject({ kind: 'provisioned-concurrency', to: 300 });
  });

  it('needs demand three times the baseline', () => {
    const mild = { recent: { peakDemandPerMinute: 3_599 }, baseline: { averageDemandPerMinute: 1_200 } };
    expect(decideFix(evidence(mild), guardrails, 'dev').cause).not.toBe('cold-burst');
  });
});

describe('decideFix: latency', () => {
  it('escalates when duration doubled with traffic flat: more capacity would feed the fire', () => {
    const decision = decideFix(
      evidence({
        reserved: 60,
        recent: { peakConcurrency: 60, averageDurationMs: 400, averageDemandPerMinute: 780 },
        baseline: { averageDurationMs: 200 },
      }),
      guardrails,
      'dev',
    );
    expect(decision).toMatchObject({ cause: 'latency-driven', action: 'escalate' });
  });

  it('is not latency when traffic rose by more than 30%', () => {
    const decision = decideFix(
      evidence({
        reserved: 60,
        recent: { peakConcurrency: 60, averageDurationMs: 400, averageDemandPerMinute: 781 },
        baseline: { averageDurationMs: 200 },
      }),
      guardrails,
      'dev',
    );
    expect(decision.cause).toBe('function-cap');
  });
});

describe('decideFix: an SQS event source over its cap', () => {
  const source = (maximumConcurrency: number | null) => ({
    uuid: 'esm-1',
    sourceArn: 'arn:aws:sqs:eu-west-1:123456789012:invoices',
    batchSize: 10,
    maximumConcurrency,
  });

  it('caps the mapping at the reservation, as AWS advises', () => {
    const decision = decideFix(
      evidence({ alias: null, reserved: 5, eventSources: [source(null)] }),
      guardrails,
      'dev',
    );
    expect(decision).toMatchObject({
      cause: 'sqs-consumer-over-cap',
      change: { kind: 'event-source-max-concurrency', uuid: 'esm-1', from: null, to: 5 },
      restoreCommand: "aws lambda update-event-source-mapping --uuid esm-1 --scaling-config '{}'",
    });
    expect(
      decideFix(evidence({ alias: null, reserved: 5, eventSources: [source(50)] }), guardrails, 'dev').change,
    ).toMatchObject({ from: 50, to: 5 });
  });

  it('leaves a mapping already within the reservation alone', () => {
    expect(
      decideFix(evidence({ alias: null, reserved: 5, eventSources: [source(5)] }), guardrails, 'dev').cause,
    ).not.toBe('sqs-consumer-over-cap');
  });

  it('escalates when the reservation is below the lowest maximum a mapping takes (2)', () => {
    expect(
      decideFix(evidence({ alias: null, reserved: 1, eventSources: [source(null)] }), guardrails, 'dev'),
    ).toMatchObject({
      cause: 'sqs-consumer-over-cap',
      action: 'escalate',
    });
  });
});

describe('decideFix: asynchronous throttles', () => {
  const absorbed = {
    async: { maximumEventAgeInSeconds: 21_600, onFailure: 'arn:aws:sqs:eu-west-1:123456789012:failed' },
    recent: { asyncReceived: 3_000, invocations: 3_000, oldestAsyncEventMs: 120_000 },
  };

  it('changes nothing when retries absorb them and failures have a destination', () => {
    expect(decideFix(evidence(absorbed), guardrails, 'dev')).toMatchObject({
      cause: 'absorbed',
      action: 'none',
    });
  });

  it('does not count them absorbed once events are dropped, or without a destination', () => {
    expect(
      decideFix(evidence({ ...absorbed, recent: { ...absorbed.recent, asyncDropped: 1 } }), guardrails, 'dev')
        .cause,
    ).not.toBe('absorbed');
    expect(
      decideFix(
        evidence({ ...absorbed, async: { maximumEventAgeInSeconds: 21_600, onFailure: null } }),
        guardrails,
        'dev',
      ).cause,
    ).not.toBe('absorbed');
  });
});

describe('restoreCommand', () => {
  it('puts back a previous value rather than removing it', () => {
    expect(
      restoreCommand({
        kind: 'provisioned-concurrency',
        functionName: 'f',
        qualifier: 'live',
        from: 10,
        to: 50,
        hourlyCostUsd: 1,
      }),
    ).toBe(
      'aws lambda put-provisioned-concurrency-config --function-name f --qualifier live --provisioned-concurrent-executions 10',
    );
    expect(
      restoreCommand({ kind: 'event-source-max-concurrency', functionName: 'f', uuid: 'u', from: 20, to: 5 }),
    ).toBe('aws lambda update-event-source-mapping --uuid u --scaling-config MaximumConcurrency=20');
  });
});

describe('decideFix, for any evidence', () => {
  const figures = fc.record({
    throttles: fc.nat(10_000),
    peakConcurrency: fc.nat(3_000),
    peakDemandPerMinute: fc.nat(200_000),
    averageDemandPerMinute: fc.nat(50_000),
    averageDurationMs: fc.nat(30_000),
  });
  const arbitraryEvidence = fc
    .record({
      limit: fc.integer({ min: 1_000, max: 20_000 }),
      reservedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      reserved: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: null }),
      recent: figures,
      baseline: figures,
      neighbourPeak: fc.nat(20_000),
      claimedShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
      withSource: fc.boolean(),
    })
    .map((r) => {
      // Lambda itself keeps at least 100 unreserved: every account the runbook meets does.
      const unreserved = Math.max(100, Math.round(r.limit * (1 - r.reservedShare)));
      return evidence(
        {
          reserved: r.reserved,
          recent: r.recent,
          baseline: r.baseline,
          eventSources: r.withSource
            ? [
                {
                  uuid: 'u',
                  sourceArn: 'arn:aws:sqs:eu-west-1:123456789012:q',
                  batchSize: 10,
                  maximumConcurrency: null,
                },
              ]
            : [],
        },
        {
          limit: r.limit,
          unreserved,
          peakClaimed: Math.round(r.limit * r.claimedShare),
          peakUnreservedInUse: unreserved,
        },
        { consumers: [{ functionName: 'other', reserved: null, peakConcurrency: r.neighbourPeak }] },
      );
    });

  it('never leaves less than the minimum plus the margin unreserved, nor raises past its bounds', () => {
    fc.assert(
      fc.property(arbitraryEvidence, fc.constantFrom('dev', 'staging', 'prod' as const), (e, environment) => {
        const decision = decideFix(e, guardrails, environment);
        if (decision.action !== 'change' || !decision.change) return;
        expect(decision.unreservedAfter).toBeGreaterThanOrEqual(Math.min(floor, e.account.unreserved));
        if (decision.unreservedAfter !== undefined && e.account.unreserved >= floor) {
          expect(decision.unreservedAfter).toBeGreaterThanOrEqual(floor);
        }
        const change = decision.change;
        if (change.kind === 'reserved-concurrency' && change.from !== null) {
          expect(change.to).toBeLessThanOrEqual(Math.max(change.from, guardrails.reservedCeiling));
          expect(change.to).toBeLessThanOrEqual(change.from * guardrails.maxRaiseFactor);
        }
        if (change.kind === 'provisioned-concurrency')
          expect(change.to).toBeLessThanOrEqual(guardrails.provisionedCeiling);
        if (decision.cause === 'noisy-neighbour') expect(decision.approval).toBe('human');
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});

/** What the on-call engineer reads: the decision's reason, its one-line summary and the reasoning. */
function explained(decision: ReturnType<typeof decideFix>) {
  return { reason: decision.reason, summary: decision.summary, last: decision.reasoning.at(-1) };
}

describe('decideFix explains every decision in the words the report shows', () => {
  const full = { unreserved: 1_000, peakUnreservedInUse: 1_000, peakClaimed: 1_000 };
  const consumers = (
    ...list: { functionName: string; reserved: number | null; peakConcurrency: number }[]
  ) => ({
    consumers: list,
  });

  it('states the account and the function it looked at first', () => {
    expect(decideFix(evidence({}), guardrails, 'dev').reasoning.slice(0, 2)).toEqual([
      'account: limit 1000, 900 unreserved, peak claimed 200, peak unreserved in use 50',
      'api:live: reserved none, 100 throttles and 3000 invocations in the last 5 minutes, peak concurrency 10',
    ]);
    expect(decideFix(evidence({ alias: null, reserved: 7 }), guardrails, 'dev').reasoning[1]).toBe(
      'api: reserved 7, 100 throttles and 3000 invocations in the last 5 minutes, peak concurrency 10',
    );
  });

  it('a function at its reservation', () => {
    expect(
      explained(decideFix(evidence({ reserved: 20, recent: { peakConcurrency: 20 } }), guardrails, 'dev')),
    ).toEqual({
      reason: 'api ran at 20 of its reserved 20',
      summary:
        "function-cap: set api's reserved concurrency from 20 to 40; unreserved concurrency stays at 880",
      last: 'api ran at 20 of its reserved 20',
    });
    expect(
      explained(
        decideFix(
          evidence({ reserved: 20, recent: { peakConcurrency: 20 } }, { unreserved: floor }),
          guardrails,
          'dev',
        ),
      ).reason,
    ).toBe(
      'api ran at 20 of its reserved 20, and a raise would break the ceiling (500) or leave less than 150 unreserved',
    );
  });

  it('a function at its reservation needs throttles', () => {
    expect(
      decideFix(evidence({ reserved: 20, recent: { peakConcurrency: 20, throttles: 0 } }), guardrails, 'dev')
        .cause,
    ).toBe('undetermined');
  });

  it('a noisy neighbour, and one no cap can fix', () => {
    const capped = decideFix(
      evidence(null, full, consumers({ functionName: 'report', reserved: null, peakConcurrency: 970 })),
      guardrails,
      'dev',
    );
    expect(explained(capped)).toEqual({
      reason:
        'report, without a reservation, took 970 of the 1000 unreserved concurrency: capping it at half its peak frees the pool for everyone else',
      summary:
        "noisy-neighbour: set report's reserved concurrency from none to 485; unreserved concurrency stays at 515",
      last: capped.reason,
    });
    expect(capped.unreservedAfter).toBe(515);
    const nothingSpare = decideFix(
      evidence(
        null,
        { unreserved: floor, peakUnreservedInUse: floor, peakClaimed: 500 },
        consumers({ functionName: 'report', reserved: null, peakConcurrency: floor }),
      ),
      guardrails,
      'dev',
    );
    expect(nothingSpare).toMatchObject({ cause: 'noisy-neighbour', action: 'escalate' });
    expect(nothingSpare.reason).toBe(
      'report, without a reservation, took 150 of the 150 unreserved concurrency, and no cap would keep 150 unreserved',
    );
  });

  it('a neighbour is another function without a reservation, in a pool at least 95% in use', () => {
    const withNeighbour = (account: object, ...list: Parameters<typeof consumers>) =>
      decideFix(evidence({}, { ...full, ...account }, consumers(...list)), guardrails, 'dev').cause;
    const report = { functionName: 'report', reserved: null, peakConcurrency: 970 };
    expect(withNeighbour({ peakUnreservedInUse: 950 }, report)).toBe('noisy-neighbour');
    expect(withNeighbour({ peakUnreservedInUse: 949 }, report)).not.toBe('noisy-neighbour');
    expect(withNeighbour({}, { ...report, functionName: 'api' })).not.toBe('noisy-neighbour');
    expect(withNeighbour({}, { ...report, reserved: 970 })).not.toBe('noisy-neighbour');
  });

  it('caps a neighbour at 1 when only 1 can be spared', () => {
    const decision = decideFix(
      evidence(
        null,
        { unreserved: floor + 1, peakUnreservedInUse: floor + 1, peakClaimed: 500 },
        consumers({ functionName: 'report', reserved: null, peakConcurrency: 100 }),
      ),
      guardrails,
      'dev',
    );
    expect(decision).toMatchObject({ action: 'change', change: { functionName: 'report', to: 1 } });
  });

  it('does not blame a neighbour for a function with its own reservation', () => {
    const decision = decideFix(
      evidence(
        { reserved: 50, recent: { peakConcurrency: 10 } },
        full,
        consumers({ functionName: 'report', reserved: null, peakConcurrency: 970 }),
      ),
      guardrails,
      'dev',
    );
    expect(decision.cause).not.toBe('noisy-neighbour');
  });

  it('an exhausted account asks for twice its limit, or half again what it claimed', () => {
    const decision = decideFix(evidence({}, { peakClaimed: 1_400 }), guardrails, 'dev');
    expect(explained(decision)).toEqual({
      reason:
        "claimed concurrency reached 1400 of the account's 1000; raising any function would starve the others",
      summary:
        "Escalate (account-exhausted): claimed concurrency reached 1400 of the account's 1000; raising any function would starve the others",
      last: decision.reason,
    });
    expect(decision.quotaRequest).toEqual({
      quotaName: 'Concurrent executions',
      desiredValue: 2_100,
      command:
        'aws service-quotas request-service-quota-increase --service-code lambda --quota-code "$(aws service-quotas list-service-quotas --service-code lambda --query "Quotas[?QuotaName==\'Concurrent executions\'].QuotaCode" --output text)" --desired-value 2100',
    });
    const reclaimable = (peakConcurrency: number) =>
      decideFix(
        evidence(
          {},
          { peakClaimed: 950 },
          { reservations: [{ functionName: 'batch', reserved: 80, peakConcurrency }] },
        ),
        guardrails,
        'dev',
      ).reclaimable;
    expect(reclaimable(39)).toHaveLength(1);
    expect(reclaimable(40)).toEqual([]);
  });

  describe('asynchronous throttles', () => {
    const absorbed = {
      async: { maximumEventAgeInSeconds: 3_600, onFailure: null },
      deadLetterTarget: 'arn:aws:sqs:eu-west-1:123456789012:api-dlq',
      recent: { asyncReceived: 2_700, invocations: 3_000, oldestAsyncEventMs: 120_000 },
    };
    const cause = (fn: Parameters<typeof evidence>[0]) => decideFix(evidence(fn), guardrails, 'dev').cause;

    it('are absorbed with a dead-letter queue as the destination, and say how long retries go on', () => {
      const decision = decideFix(evidence(absorbed), guardrails, 'dev');
      expect(decision).toMatchObject({ cause: 'absorbed', action: 'none', verifyFunction: 'api' });
      expect(explained(decision)).toEqual({
        reason: 'Lambda retries the throttled asynchronous events within their maximum age',
        summary:
          "Nothing to change: api's throttles are asynchronous events that Lambda retries within their maximum age",
        last: 'the throttled requests are asynchronous events: Lambda retries them for up to 3600 s, the oldest waited 120 s, none were dropped, and failures go to arn:aws:sqs:eu-west-1:123456789012:api-dlq',
      });
      expect(decision.reasoning.at(-1)).toContain('3600 s');
      expect(decideFix(evidence({ ...absorbed, async: null }), guardrails, 'dev').reasoning.at(-1)).toContain(
        'for up to 21600 s',
      );
    });

    it('need 90% of the invocations to be asynchronous, and some to be', () => {
      expect(cause(absorbed)).toBe('absorbed');
      expect(cause({ ...absorbed, recent: { ...absorbed.recent, asyncReceived: 2_699 } })).not.toBe(
        'absorbed',
      );
      expect(
        cause({ ...absorbed, recent: { ...absorbed.recent, asyncReceived: 0, invocations: 0 } }),
      ).not.toBe('absorbed');
    });

    it('need the oldest event younger than half the maximum age, and no event source', () => {
      expect(cause({ ...absorbed, recent: { ...absorbed.recent, oldestAsyncEventMs: 1_799_999 } })).toBe(
        'absorbed',
      );
      expect(cause({ ...absorbed, recent: { ...absorbed.recent, oldestAsyncEventMs: 1_800_000 } })).not.toBe(
        'absorbed',
      );
      expect(
        cause({
          ...absorbed,
          eventSources: [
            {
              uuid: 'u',
              sourceArn: 'arn:aws:sqs:eu-west-1:123456789012:q',
              batchSize: 10,
              maximumConcurrency: 1,
            },
          ],
        }),
      ).not.toBe('absorbed');
    });
  });

  it('an SQS event source over the reservation, and one the reservation is too small to cap', () => {
    const source = (maximumConcurrency: number | null) => ({
      uuid: 'esm-1',
      sourceArn: 'arn:aws:sqs:eu-west-1:123456789012:invoices',
      batchSize: 10,
      maximumConcurrency,
    });
    const over = decideFix(
      evidence({ alias: null, reserved: 5, eventSources: [source(50)] }),
      guardrails,
      'dev',
    );
    expect(explained(over)).toEqual({
      reason:
        "the SQS event source arn:aws:sqs:eu-west-1:123456789012:invoices polls up to 50 beyond the function's reserved concurrency (5): throttled batches return to the queue and end in its DLQ; AWS advises a maximum concurrency no higher than the reservation",
      summary:
        "sqs-consumer-over-cap: set api's SQS event source maximum concurrency from 50 to 5; unreserved concurrency stays at 900",
      last: over.reason,
    });
    expect(
      decideFix(evidence({ alias: null, reserved: 5, eventSources: [source(6)] }), guardrails, 'dev').change,
    ).toMatchObject({ from: 6, to: 5 });
    expect(
      decideFix(evidence({ alias: null, reserved: 2, eventSources: [source(null)] }), guardrails, 'dev'),
    ).toMatchObject({
      action: 'change',
      change: { to: 2 },
    });
    expect(
      decideFix(evidence({ alias: null, reserved: 1, eventSources: [source(null)] }), guardrails, 'dev')
        .reason,
    ).toBe(
      "the SQS event source arn:aws:sqs:eu-west-1:123456789012:invoices polls without a maximum concurrency beyond the function's reserved concurrency (1): throttled batches return to the queue and end in its DLQ; a mapping's maximum concurrency cannot go below 2",
    );
    expect(
      decideFix(evidence({ alias: null, reserved: null, eventSources: [source(null)] }), guardrails, 'dev')
        .cause,
    ).not.toBe('sqs-consumer-over-cap');
  });

  it('latency: duration at twice the baseline, demand at most 30% up, and a baseline to compare', () => {
    const latency = (
      recent: Partial<WindowFigures>,
      baseline: Partial<WindowFigures> = { averageDurationMs: 200 },
    ) =>
      decideFix(
        evidence({
          reserved: 60,
          recent: { peakConcurrency: 60, averageDemandPerMinute: 600, ...recent },
          baseline,
        }),
        guardrails,
        'dev',
      );
    expect(explained(latency({ averageDurationMs: 400, averageDemandPerMinute: 780 }))).toEqual({
      reason:
        'duration rose from 200 ms to 400 ms while demand stayed at about 780 a minute: a slow dependency, which more concurrency would load further',
      summary:
        'Escalate (latency-driven): duration rose from 200 ms to 400 ms while demand stayed at about 780 a minute: a slow dependency, which more concurrency would load further',
      last: 'duration rose from 200 ms to 400 ms while demand stayed at about 780 a minute: a slow dependency, which more concurrency would load further',
    });
    expect(latency({ averageDurationMs: 399 }).cause).toBe('function-cap');
    expect(latency({ averageDurationMs: 400 }, { averageDurationMs: 0 }).cause).toBe('function-cap');
  });

  describe('a cold burst', () => {
    const burst = {
      recent: { peakDemandPerMinute: 90_000, peakConcurrency: 1_500, averageDurationMs: 1_000 },
      baseline: { averageDemandPerMinute: 1_200, averageDurationMs: 1_000 },
    };
    const provisioned = [
      { qualifier: 'live', requested: 100, allocated: 100, status: 'READY' },
      { qualifier: 'canary', requested: 50, allocated: 50, status: 'READY' },
    ];

    it('adds to what the alias has, as far as the unreserved pool allows', () => {
      const decision = decideFix(
        evidence({ ...burst, provisioned }, { limit: 3_000, unreserved: 400 }),
        guardrails,
        'dev',
      );
      expect(decision.change).toMatchObject({
        kind: 'provisioned-concurrency',
        qualifier: 'live',
        from: 100,
        to: 350,
      });
      expect(
        decision.change?.kind === 'provisioned-concurrency' && decision.change.hourlyCostUsd,
      ).toBeCloseTo(2.625, 3);
      expect(decision.unreservedAfter).toBe(floor);
      expect(explained(decision)).toEqual({
        reason:
          'demand peaked at 90000 a minute against 1200 before (about 1500 concurrent), faster than Lambda adds environments: provisioned concurrency on live keeps environments ready',
        summary:
          'cold-burst: provision 350 concurrency on api:live (was 100; about $2.63 an hour); unreserved concurrency stays at 150',
        last: decision.reason,
      });
    });

    it("inside a reservation counts the other aliases' provisioned concurrency and leaves the pool alone", () => {
      const decision = decideFix(
        evidence(
          { ...burst, reserved: 300, provisioned, recent: { ...burst.recent, peakConcurrency: 200 } },
          { limit: 3_000, unreserved: 2_700 },
        ),
        guardrails,
        'dev',
      );
      expect(decision.change).toMatchObject({ from: 100, to: 250 });
      expect(decision.unreservedAfter).toBe(2_700);
    });

    it('sizes by demand times duration when that exceeds the peak seen', () => {
      const decision = decideFix(
        evidence(
          { ...burst, recent: { ...burst.recent, peakConcurrency: 10 } },
          { limit: 3_000, unreserved: 3_000 },
        ),
        guardrails,
        'dev',
      );
      expect(decision.change).toMatchObject({ to: 1_000 });
      const small = decideFix(
        evidence({
          recent: { peakDemandPerMinute: 6_000, peakConcurrency: 10, averageDurationMs: 500 },
          baseline: { averageDemandPerMinute: 2_000, averageDurationMs: 500 },
        }),
        guardrails,
        'dev',
      );
      expect(small.change).toMatchObject({ to: 50 });
      expect(small.reason).toContain('about 50 concurrent');
    });

    it('escalates when the alias already has all that fits', () => {
      const decision = decideFix(
        evidence(
          { ...burst, reserved: 150, provisioned, recent: { ...burst.recent, peakConcurrency: 100 } },
          { limit: 3_000, unreserved: 2_850 },
        ),
        guardrails,
        'dev',
      );
      expect(decision).toMatchObject({ cause: 'cold-burst', action: 'escalate' });
      expect(decision.reason).toBe(
        'demand peaked at 90000 a minute against 1200 before (about 1500 concurrent), faster than Lambda adds environments, and more provisioned concurrency would break its ceiling or the reservation',
      );
    });

    it('starts from nothing when only another alias has provisioned concurrency', () => {
      const decision = decideFix(
        evidence(
          { ...burst, provisioned: [provisioned[1] as (typeof provisioned)[number]] },
          { limit: 3_000, unreserved: 3_000 },
        ),
        guardrails,
        'dev',
      );
      expect(decision.change).toMatchObject({ qualifier: 'live', from: null, to: 1_000 });
    });

    it('needs an alias and a baseline', () => {
      expect(decideFix(evidence({ ...burst, alias: null }), guardrails, 'dev').cause).not.toBe('cold-burst');
      expect(
        decideFix(evidence({ ...burst, baseline: { averageDemandPerMinute: 0 } }), guardrails, 'dev').cause,
      ).not.toBe('cold-burst');
      expect(
        decideFix(
          evidence({ ...burst, recent: { ...burst.recent, peakDemandPerMinute: 3_600 } }),
          guardrails,
          'dev',
        ).cause,
      ).toBe('cold-burst');
    });
  });

  it('nothing that fits, for a function and for the account', () => {
    expect(explained(decideFix(evidence({}), guardrails, 'dev'))).toEqual({
      reason: 'no known cause fits the evidence; a human should look',
      summary: 'Escalate (undetermined): no known cause fits the evidence; a human should look',
      last: 'no known cause fits the evidence; a human should look',
    });
    expect(decideFix(evidence(null), guardrails, 'dev').reasoning).toHaveLength(2);
    expect(decideFix(evidence(null), guardrails, 'dev')).toMatchObject({
      cause: 'undetermined',
      verifyFunction: null,
      reason: 'the account has room and no single function takes the unreserved pool',
    });
    expect(decideFix(evidence(null, { peakClaimed: 950 }), guardrails, 'dev').cause).toBe(
      'account-exhausted',
    );
  });
});

describe('the decide-throttling-fix step', () => {
  const deps = { environment: 'prod' } as StepDeps;

  it('decides for the environment it is deployed in', async () => {
    const decision = await decideThrottlingFix(
      { evidence: evidence({ reserved: 20, recent: { peakConcurrency: 20 } }), guardrails },
      deps,
    );
    expect(decision).toMatchObject({ cause: 'function-cap', approval: 'human' });
  });

  it('refuses input that is not concurrency evidence', async () => {
    for (const bad of [null, 'evidence', { account: {} }, { target: 'x' }]) {
      await expect(
        decideThrottlingFix({ evidence: bad as unknown as ConcurrencyEvidence, guardrails }, deps),
      ).rejects.toThrow(/^decide-throttling-fix: invalid input: evidence.*is not concurrency evidence/);
    }
  });
});
