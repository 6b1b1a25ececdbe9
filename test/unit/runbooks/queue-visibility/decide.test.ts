import { describe, expect, it } from 'vitest';
import type { Consumer, QueueEvidence } from '../../../../runbooks/queue-visibility/contract.js';
import { decideQueueSettings, neededBy } from '../../../../runbooks/queue-visibility/decide.js';
import { queueVisibility } from '../../../../runbooks/queue-visibility/runbook.js';

const { verifyIntervalSeconds: _i, maxVerifyChecks: _c, ...guardrails } = queueVisibility.guardrails;
const dlq = 'arn:aws:sqs:eu-west-1:123456789012:orders-dlq';
const redrive = (maxReceiveCount: number | string) =>
  JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount });

function evidence(
  settings: { VisibilityTimeout: string; RedrivePolicy?: string },
  consumers: readonly Partial<Consumer>[],
): QueueEvidence {
  return {
    queue: {
      name: 'orders',
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
      arn: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    },
    settings,
    consumers: consumers.map((c, i) => ({
      functionName: `consumer-${i}`,
      timeoutSeconds: 30,
      batchingWindowSeconds: 0,
      mappingUuid: `uuid-${i}`,
      ...c,
    })),
    inspectedAt: '2026-03-02T09:00:00.000Z',
  };
}

describe('decideQueueSettings', () => {
  it('needs six times the timeout plus the batching window', () => {
    expect(
      neededBy({ functionName: 'f', timeoutSeconds: 30, batchingWindowSeconds: 10, mappingUuid: 'u' }, 6),
    ).toBe(190);
  });

  it('raises the visibility timeout and maxReceiveCount to the guidance, keeping the dead-letter queue', () => {
    const decision = decideQueueSettings(
      evidence({ VisibilityTimeout: '30', RedrivePolicy: redrive(3) }, [{ batchingWindowSeconds: 10 }]),
      guardrails,
      'dev',
    );
    expect(decision).toMatchObject({
      action: 'change',
      approval: 'auto',
      from: { VisibilityTimeout: '30', RedrivePolicy: redrive(3) },
      to: { VisibilityTimeout: '190', RedrivePolicy: redrive(5) },
    });
    expect(decision.action === 'change' && decision.summary).toBe(
      'orders: visibility timeout 30 s → 190 s (consumer-0 times out after 30 s with a 10 s batching window); maxReceiveCount 3 → 5',
    );
  });

  it('follows the consumer that needs the most, wherever it is listed', () => {
    for (const consumers of [
      [{ timeoutSeconds: 90 }, { timeoutSeconds: 30 }],
      [{ timeoutSeconds: 30 }, { timeoutSeconds: 90 }],
      [{ timeoutSeconds: 60, batchingWindowSeconds: 300 }, { timeoutSeconds: 90 }],
    ]) {
      const decision = decideQueueSettings(
        evidence({ VisibilityTimeout: '180' }, consumers),
        guardrails,
        'dev',
      );
      const needed = Math.max(...consumers.map((c) => 6 * c.timeoutSeconds + (c.batchingWindowSeconds ?? 0)));
      expect(decision).toMatchObject({ action: 'change', to: { VisibilityTimeout: String(needed) } });
    }
  });

  it('changes nothing at exactly the guidance, nor above it (a floor, never lowered)', () => {
    for (const VisibilityTimeout of ['180', '900']) {
      const decision = decideQueueSettings(
        evidence({ VisibilityTimeout, RedrivePolicy: redrive(5) }, [{}]),
        guardrails,
        'prod',
      );
      expect(decision.action).toBe('none');
      expect(decision.reason).toContain(
        `visibility timeout ${VisibilityTimeout} s, at least the 180 s consumer-0 needs`,
      );
    }
  });

  it('raises only maxReceiveCount when the visibility timeout is enough, reading it as number or string', () => {
    for (const count of [4, '4']) {
      const decision = decideQueueSettings(
        evidence({ VisibilityTimeout: '180', RedrivePolicy: redrive(count) }, [{}]),
        guardrails,
        'staging',
      );
      expect(decision).toMatchObject({
        action: 'change',
        to: { VisibilityTimeout: '180', RedrivePolicy: redrive(5) },
      });
      expect(decision.action === 'change' && decision.summary).toBe('orders: maxReceiveCount 4 → 5');
    }
  });

  it('adds no redrive policy to a queue without one, and says so', () => {
    const fine = decideQueueSettings(evidence({ VisibilityTimeout: '180' }, [{}]), guardrails, 'dev');
    expect(fine).toMatchObject({ action: 'none' });
    expect(fine.reason).toMatch(/no dead-letter queue$/);
    const low = decideQueueSettings(evidence({ VisibilityTimeout: '100' }, [{}]), guardrails, 'dev');
    expect(low).toMatchObject({ action: 'change', to: { VisibilityTimeout: '180' } });
    expect(low.action === 'change' && 'RedrivePolicy' in low.to).toBe(false);
  });

  it('asks a person where policy says so', () => {
    const low = evidence({ VisibilityTimeout: '30' }, [{}]);
    expect(decideQueueSettings(low, guardrails, 'prod')).toMatchObject({ approval: 'human' });
    expect(decideQueueSettings(low, guardrails, 'staging')).toMatchObject({ approval: 'auto' });
  });

  it('changes nothing on a queue no Lambda function reads', () => {
    const decision = decideQueueSettings(
      evidence({ VisibilityTimeout: '0', RedrivePolicy: redrive(1) }, []),
      guardrails,
      'dev',
    );
    expect(decision).toEqual({
      action: 'none',
      reason: 'no enabled Lambda event source mapping reads orders; the guidance is for Lambda consumers',
    });
  });

  it("escalates when the guidance is above SQS's 12-hour limit", () => {
    const fits = decideQueueSettings(
      evidence({ VisibilityTimeout: '30' }, [{ timeoutSeconds: 900, batchingWindowSeconds: 300 }]),
      guardrails,
      'dev',
    );
    expect(fits).toMatchObject({ action: 'change', to: { VisibilityTimeout: '5700' } });
    const tooLong = decideQueueSettings(
      evidence({ VisibilityTimeout: '30' }, [{ timeoutSeconds: 900 }]),
      { ...guardrails, visibilityFactor: 49 },
      'dev',
    );
    expect(tooLong).toMatchObject({ action: 'escalate' });
    expect(tooLong.reason).toContain("would need a visibility timeout of 44100 s, above SQS's 43200 s");
    const atLimit = decideQueueSettings(
      evidence({ VisibilityTimeout: '30' }, [{ timeoutSeconds: 900, batchingWindowSeconds: 0 }]),
      { ...guardrails, visibilityFactor: 48 },
      'dev',
    );
    expect(atLimit).toMatchObject({ action: 'change', to: { VisibilityTimeout: '43200' } });
  });
});
