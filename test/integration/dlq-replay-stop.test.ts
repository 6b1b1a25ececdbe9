import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { type ReplayBatchInput, replayBatch } from '../../handlers/dlq-replay/replay-batch.js';
import { dlqAccount } from '../support/dlq-account.js';

type World = ReturnType<typeof dlqAccount>;

/** Moves `count` replayed messages from the source back to the DLQ, attributes and all, as a redrive does. */
async function redriveFromSource(world: World, count: number) {
  const sqs = world.account.clients().sqs;
  for (let moved = 0; moved < count; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.sourceUrl,
        MaxNumberOfMessages: Math.min(10, count - moved),
        MessageAttributeNames: ['All'],
      }),
    );
    for (const m of Messages) {
      world.account.sqs.sendMessage({
        QueueUrl: world.dlqUrl,
        MessageBody: m.Body ?? '',
        ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}),
      });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: world.sourceUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    moved += Messages.length;
  }
}

describe('a replay stops when replayed messages come back', () => {
  /** A first invocation cut short by its budget (a batch of burst and 30 more), then 20 of its replayed messages back in the DLQ. */
  async function secondInvocation(overrides: Partial<ReplayBatchInput>) {
    const world = dlqAccount();
    world.fill(100);
    const input = world.input({ ratePerSecond: 10, budgetSeconds: 3, dlqAtStart: 100, ...overrides });
    const first = await replayBatch(input, world.deps);
    expect(first).toMatchObject({ done: false, stopped: false, replayed: 40 });
    await redriveFromSource(world, 20);
    const audited = world.audit.length;
    const second = await replayBatch({ ...input, progress: first }, world.deps);
    return { world, second, newAudit: world.audit.slice(audited) };
  }

  it('at the start of an invocation, from the DLQ’s depth, before moving anything', async () => {
    const { world, second, newAudit } = await secondInvocation({});
    expect(second).toMatchObject({
      done: false,
      stopped: true,
      reason: 'about 20 of 40 replayed messages came back to the DLQ',
      replayed: 40,
      invocations: 2,
    });
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 80, inFlight: 0 });
    expect(newAudit).toEqual([]);
  });

  it('only once at least `stopAfterLandedBack` came back', async () => {
    expect((await secondInvocation({ stopAfterLandedBack: 20 })).second.stopped).toBe(true);
    const { second } = await secondInvocation({ stopAfterLandedBack: 21 });
    expect(second.stopped).toBe(false);
    // Not stopped: it goes on replaying.
    expect(second.replayed).toBeGreaterThan(40);
  });

  it('only once more than `stopRatio` of the replayed messages came back', async () => {
    expect((await secondInvocation({ stopRatio: 0.49 })).second.stopped).toBe(true);
    // 20 of 40 is not more than half.
    expect((await secondInvocation({ stopRatio: 0.5 })).second.stopped).toBe(false);
  });

  /** 20 new messages, then 10 this run replayed that came back. */
  async function loopRun(overrides: Partial<ReplayBatchInput>) {
    const world = dlqAccount();
    world.fill(20);
    const input = world.input({ dlqAtStart: 30, stopAfterLandedBack: 10, ...overrides });
    world.cameBack(10, input.executionId);
    return { world, result: await replayBatch(input, world.deps) };
  }

  it('during an invocation, counting the messages it meets that it replayed', async () => {
    const { world, result } = await loopRun({ stopRatio: 0.49 });
    expect(result).toMatchObject({
      done: false,
      stopped: true,
      reason: '10 of 20 replayed messages came back to the DLQ',
      replayed: 20,
      landedBack: 10,
      hidden: 10,
    });
    // Those that came back stay in the DLQ, out of the way: nothing is lost.
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 10 });
    expect(world.account.sqs.contents(world.sourceUrl)).toHaveLength(20);
  });

  it('and goes on to the end when fewer came back than the thresholds', async () => {
    const atRatio = await loopRun({ stopRatio: 0.5 });
    expect(atRatio.result).toMatchObject({
      done: true,
      stopped: false,
      reason: 'the DLQ has no more visible messages',
      landedBack: 10,
    });
    expect((await loopRun({ stopRatio: 0, stopAfterLandedBack: 11 })).result.stopped).toBe(false);
  });
});

describe('a replay invocation', () => {
  it('records what it moved in the audit trail, and records nothing when it moved nothing', async () => {
    const world = dlqAccount();
    world.fill(12);
    world.fill(3, () => 'not json');
    const input = world.input({ dlqAtStart: 15 });
    const result = await replayBatch(input, world.deps);
    expect(result).toMatchObject({ done: true, replayed: 12, quarantined: 3 });
    // Sent back and quarantined are two kinds of change, evidence of different controls.
    const common = {
      at: world.account.clock.now().toISOString(),
      executionId: input.executionId,
      runbook: 'dlq-replay',
      step: 'replay-batch',
      target: world.dlqUrl,
    };
    expect(world.audit).toEqual([
      {
        ...common,
        kind: 'replay',
        action: 'replay-messages',
        before: { replayed: 0 },
        after: { replayed: 12, retries: 0 },
      },
      {
        ...common,
        kind: 'quarantine',
        action: 'quarantine-messages',
        before: { quarantined: 0 },
        after: { quarantined: 3, retries: 0 },
      },
    ]);
    const again = await replayBatch({ ...input, progress: result }, world.deps);
    expect(again).toMatchObject({ done: true, replayed: 12, quarantined: 3, invocations: 2 });
    expect(world.audit).toHaveLength(2);
  });

  it('records a run that only quarantined', async () => {
    const world = dlqAccount();
    world.fill(4, () => 'not json');
    await replayBatch(world.input({ dlqAtStart: 4 }), world.deps);
    expect(world.audit.map((a) => [a.kind, a.after])).toEqual([
      ['quarantine', { quarantined: 4, retries: 0 }],
    ]);
  });

  it('ends when it moved the most messages one run may', async () => {
    const world = dlqAccount();
    world.fill(40);
    const result = await replayBatch(
      world.input({ dlqAtStart: 40, maxMessages: 25, concurrency: 3 }),
      world.deps,
    );
    expect(result).toMatchObject({
      done: true,
      stopped: false,
      reason: 'moved the most messages one run may (25)',
      replayed: 25,
    });
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 15, inFlight: 0 });
  });

  it('paces what it sends to the source queue, and only that', async () => {
    const paced = dlqAccount();
    paced.fill(100);
    const pacedStart = paced.account.clock.now().getTime();
    await replayBatch(paced.input({ dlqAtStart: 100, ratePerSecond: 10 }), paced.deps);
    // One batch of burst, then ten a second: 90 more take nine seconds.
    expect(paced.account.clock.now().getTime() - pacedStart).toBeGreaterThanOrEqual(9_000);

    const quarantined = dlqAccount();
    quarantined.fill(100, () => 'not json');
    const start = quarantined.account.clock.now().getTime();
    const result = await replayBatch(
      quarantined.input({ dlqAtStart: 100, ratePerSecond: 10 }),
      quarantined.deps,
    );
    expect(result).toMatchObject({ done: true, quarantined: 100 });
    expect(quarantined.account.clock.now().getTime() - start).toBeLessThan(2_000);
  });

  it('counts the retries throttling cost it, and still moves every message', async () => {
    const world = dlqAccount();
    world.fill(50);
    world.account.sqs.injectFaults({ throttleRate: 0.3 }, 7);
    const result = await replayBatch(world.input({ dlqAtStart: 50 }), world.deps);
    expect(result).toMatchObject({ done: true, replayed: 50 });
    expect(result.retries).toBeGreaterThan(0);
    expect(world.audit[0]?.after).toMatchObject({ retries: result.retries });
  });

  it('keeps each FIFO message in its message group', async () => {
    const world = dlqAccount({ fifo: true });
    for (let i = 0; i < 6; i += 1) {
      world.account.sqs.sendMessage({
        QueueUrl: world.dlqUrl,
        MessageBody: JSON.stringify({ orderId: i }),
        MessageGroupId: `customer-${i % 2}`,
        MessageDeduplicationId: `d${i}`,
      });
    }
    const result = await replayBatch(world.input({ dlqAtStart: 6 }), world.deps);
    expect(result).toMatchObject({ done: true, replayed: 6 });
    const { Messages = [] } = await world.account.clients().sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.sourceUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const groups = Messages.map((m) => [JSON.parse(m.Body ?? '{}').orderId, m.Attributes?.MessageGroupId]);
    expect(groups).toEqual(
      expect.arrayContaining([
        [0, 'customer-0'],
        [1, 'customer-1'],
      ]),
    );
  });
});
