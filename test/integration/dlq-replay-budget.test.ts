import { describe, expect, it } from 'vitest';
import { replayBatch } from '../../handlers/dlq-replay/replay-batch.js';
import { dlqAccount } from '../support/dlq-account.js';

describe('one replay invocation', () => {
  it('stops in time for Lambda: within its remaining time less a margin, even when the budget is longer', async () => {
    const world = dlqAccount();
    world.fill(100);
    const deps = { ...world.deps, remainingTimeMs: () => 9_000 };
    const started = world.account.clock.now().getTime();
    // Ten messages a second: 100 need ten seconds, more than the 4 s left before the 5 s margin.
    const result = await replayBatch(
      world.input({ ratePerSecond: 10, budgetSeconds: 20, dlqAtStart: 100 }),
      deps,
    );
    expect(result.done).toBe(false);
    expect(result.reason).toBe('the invocation used its time budget');
    expect(world.account.clock.now().getTime() - started).toBeLessThanOrEqual(5_000);
    expect(result.replayed).toBeGreaterThan(0);
    expect(result.replayed).toBeLessThan(100);
    expect(world.account.sqs.depth(world.dlqUrl).visible).toBe(100 - result.replayed);
  });

  it('stops at its budget when Lambda leaves it more time', async () => {
    const world = dlqAccount();
    world.fill(100);
    const started = world.account.clock.now().getTime();
    const result = await replayBatch(
      world.input({ ratePerSecond: 10, budgetSeconds: 3, dlqAtStart: 100 }),
      world.deps,
    );
    expect(result).toMatchObject({ done: false, reason: 'the invocation used its time budget' });
    expect(world.account.clock.now().getTime() - started).toBeLessThanOrEqual(4_000);
    expect(result.replayed).toBeLessThan(50);
  });

  it('sends messages of 300 KB in batches SQS accepts (1 MiB each), losing none', async () => {
    const world = dlqAccount();
    world.fill(10, (i) => JSON.stringify({ orderId: i, padding: 'p'.repeat(300 * 1024) }));
    const result = await replayBatch(world.input({ dlqAtStart: 10 }), world.deps);
    expect(result).toMatchObject({ done: true, replayed: 10, failedEntries: 0 });
    expect(world.account.sqs.contents(world.sourceUrl)).toHaveLength(10);
  });
});
