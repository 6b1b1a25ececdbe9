import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restoreCommand } from '../../../handlers/lambda-throttling/concurrency-change.js';
import type {
  ConcurrencyEvidence,
  FunctionEvidence,
  WindowFigures,
} from '../../../handlers/lambda-throttling/contract.js';
import { decideFix } from '../../../handlers/lambda-throttling/decide-throttling-fix.js';
import { lambdaThrottling } from '../../../runbooks/lambda-throttling/runbook.js';

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
      { numRuns: 500 },
    );
  });
});
