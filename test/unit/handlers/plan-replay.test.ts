import { describe, expect, it } from 'vitest';
import type { DlqEvidence } from '../../../handlers/dlq-replay/inspect-dlq.js';
import { planReplay } from '../../../handlers/dlq-replay/plan-replay.js';
import type { StepDeps } from '../../../handlers/lib/step-deps.js';
import { dlqReplay } from '../../../runbooks/dlq-replay/runbook.js';

const { guardrails } = dlqReplay;
const deps = (environment: StepDeps['environment'] = 'dev') => ({ environment }) as StepDeps;

function evidence(
  overrides: {
    dlq?: Partial<DlqEvidence['dlq']>;
    source?: Partial<DlqEvidence['source']>;
    request?: Partial<DlqEvidence['request']>;
    sample?: DlqEvidence['sample'];
    quarantine?: DlqEvidence['quarantine'];
  } = {},
): DlqEvidence {
  const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
  const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
  return {
    dlq: {
      url: url('orders-dlq'),
      arn: arn('orders-dlq'),
      name: 'orders-dlq',
      fifo: false,
      visible: 1000,
      inFlight: 0,
      oldestSampledAgeSeconds: 600,
      ...overrides.dlq,
    },
    source: {
      url: url('orders'),
      arn: arn('orders'),
      name: 'orders',
      visibilityTimeout: 180,
      maxReceiveCount: 3,
      consumer: { functionName: 'orders-consumer', timeoutSeconds: 30, concurrencyLimit: null },
      consumerHealth: { invocations: 200, errors: 0, errorRate: 0 },
      ...overrides.source,
    },
    quarantine:
      overrides.quarantine === undefined
        ? {
            url: url('orders-dlq-quarantine'),
            arn: arn('orders-dlq-quarantine'),
            depth: 0,
            name: 'orders-dlq-quarantine',
          }
        : overrides.quarantine,
    sample: overrides.sample ?? {
      size: 10,
      signatures: [{ signature: 'order-placed{amount,orderId,type}', count: 10 }],
    },
    request: { dryRun: false, quarantineSignatures: [], ...overrides.request },
    inspectedAt: '2026-03-02T09:24:00.000Z',
  };
}

describe('planReplay', () => {
  it('follows the consumer up to the guardrail when no rate was asked, starting at the default rate', async () => {
    const plan = await planReplay({ evidence: evidence(), guardrails }, deps());
    expect(plan).toMatchObject({
      action: 'replay',
      path: 'controlled',
      ratePerSecond: 500,
      control: {
        startPerSecond: 100,
        floorPerSecond: 5,
        increasePerSecond: 50,
        decreaseFactor: 0.5,
        intervalSeconds: 1,
      },
      poisonEstimate: 0,
      approval: 'auto',
    });
    expect(plan.summary).toBe(
      'Replay 1000 of 1000 messages from orders-dlq to orders as fast as the consumer keeps up, from 100/s up to 500/s (at least 2 s, controlled batches), ~0 to quarantine',
    );
  });

  it('takes the SQS move task at the fixed rate a person asked for, when nothing needs filtering', async () => {
    const plan = await planReplay(
      { evidence: evidence({ request: { ratePerSecond: 100 } }), guardrails },
      deps(),
    );
    expect(plan).toMatchObject({
      path: 'move-task',
      control: null,
      ratePerSecond: 100,
      estimatedSeconds: 10,
    });
    expect(plan.summary).toBe(
      'Replay 1000 of 1000 messages from orders-dlq to orders at 100/s (about 10 s, SQS move task), ~0 to quarantine',
    );
  });

  it('takes controlled batches for poison, FIFO queues and a cap below the backlog', async () => {
    const poison = {
      size: 10,
      signatures: [
        { signature: 'unparseable', count: 1 },
        { signature: 'order-placed{orderId,type}', count: 9 },
      ],
    };
    expect(await planReplay({ evidence: evidence({ sample: poison }), guardrails }, deps())).toMatchObject({
      path: 'controlled',
      poisonEstimate: 100,
    });
    expect((await planReplay({ evidence: evidence({ dlq: { fifo: true } }), guardrails }, deps())).path).toBe(
      'controlled',
    );
    expect(
      await planReplay({ evidence: evidence({ request: { maxMessages: 10 } }), guardrails }, deps()),
    ).toMatchObject({ path: 'controlled', maxMessages: 10, estimatedSeconds: 1 });
  });

  it('refuses while the consumer still fails', async () => {
    const plan = await planReplay(
      {
        evidence: evidence({ source: { consumerHealth: { invocations: 100, errors: 40, errorRate: 0.4 } } }),
        guardrails,
      },
      deps(),
    );
    expect(plan).toMatchObject({
      action: 'refuse',
      reason: 'the consumer orders-consumer still fails (40 errors in 100 recent invocations)',
    });
  });

  it('refuses to replay poison with nowhere to quarantine it, and says how to make the queue', async () => {
    const poison = { size: 10, signatures: [{ signature: 'unparseable', count: 2 }] };
    const plan = await planReplay(
      { evidence: evidence({ sample: poison, quarantine: null }), guardrails },
      deps(),
    );
    expect(plan.action).toBe('refuse');
    expect(plan.findings).toContainEqual({
      problem: 'no quarantine queue orders-dlq-quarantine',
      fix: 'aws sqs create-queue --queue-name orders-dlq-quarantine',
    });
  });

  it('reports a visibility timeout below 6 × the function timeout with the command that fixes it', async () => {
    const plan = await planReplay(
      { evidence: evidence({ source: { visibilityTimeout: 30 } }), guardrails },
      deps(),
    );
    expect(plan.action).toBe('replay');
    expect(plan.findings).toEqual([
      {
        problem:
          "orders's visibility timeout (30 s) is below 6 × orders-consumer's timeout (30 s): messages may be processed twice",
        fix: 'runbook start queue-visibility queue=orders (in Slack: /runbook start queue-visibility queue=orders)',
      },
    ]);
  });

  it('stops at the plan on a dry run, and asks a human in prod', async () => {
    expect(
      (await planReplay({ evidence: evidence({ request: { dryRun: true } }), guardrails }, deps())).action,
    ).toBe('dry-run');
    expect((await planReplay({ evidence: evidence(), guardrails }, deps('prod'))).approval).toBe('human');
  });
});
