import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveControl } from '../../handlers/dlq-replay/plan-replay.js';
import { originalIdOf } from '../../handlers/dlq-replay/replay-attributes.js';
import {
  type ReplayBatchInput,
  type ReplayBatchResult,
  replayBatch,
} from '../../handlers/dlq-replay/replay-batch.js';
import { dlqAccount } from '../support/dlq-account.js';
import { propertyRuns } from '../support/property-runs.js';

/** Fills the DLQ: every tenth message is not JSON (it can never succeed). */
function fill(world: ReturnType<typeof dlqAccount>, count: number, fifo = false): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const body =
      i % 10 === 9 ? `{"orderId": ${i}, truncated` : JSON.stringify({ type: 'order-placed', orderId: i });
    const { MessageId } = world.account.sqs.sendMessage({
      QueueUrl: world.dlqUrl,
      MessageBody: body,
      MessageAttributes: { tenant: { DataType: 'String', StringValue: `t${i % 3}` } },
      ...(fifo ? { MessageGroupId: `customer-${i % 7}`, MessageDeduplicationId: `order-${i}` } : {}),
    });
    ids.push(MessageId);
  }
  return ids;
}

/** Invokes the step as Step Functions would: again after each failure or used-up budget, until done. */
async function runToEnd(
  world: ReturnType<typeof dlqAccount>,
  fifo = false,
  concurrency = 1,
  control: ReplayBatchInput['control'] = null,
): Promise<ReplayBatchResult | undefined> {
  let progress = world.input().progress;
  const dlqAtStart = world.account.sqs.contents(world.dlqUrl).length;
  for (let invocation = 0; invocation < 300; invocation += 1) {
    try {
      const result = await replayBatch(
        world.input({ progress, fifo, concurrency, dlqAtStart, control }),
        world.deps,
      );
      progress = result;
      if (result.done || result.stopped) return result;
    } catch {
      // The invocation died (crash, timeout, retries spent): Step Functions retries the task.
    }
  }
  return undefined;
}

const faults = fc.record({
  throttleRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  serverErrorRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
  failedEntryRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  crashAfterSendRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
  latencyMs: fc.integer({ min: 0, max: 50 }),
});

describe('DLQ replay loses no message', () => {
  it('replays every message but the unparseable ones, which go to quarantine, keeping attributes', async () => {
    const world = dlqAccount();
    const ids = fill(world, 200);
    const result = await runToEnd(world);
    expect(result).toMatchObject({ done: true, stopped: false, replayed: 180, quarantined: 20 });
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(world.originalIds(world.sourceUrl).sort()).toEqual(ids.filter((_, i) => i % 10 !== 9).sort());
    const [replayed] = world.account.sqs.contents(world.sourceUrl);
    expect(replayed?.attributes.tenant?.StringValue).toBe('t0');
    expect(replayed?.attributes['runbook-replay-count']?.StringValue).toBe('1');
    expect(world.audit.map((a) => a.action)).toEqual(['replay-messages', 'quarantine-messages']);
  });

  it('moves exactly the most one run may, with parallel workers, then reports done', async () => {
    const world = dlqAccount();
    fill(world, 100);
    const result = await replayBatch(
      world.input({ maxMessages: 25, concurrency: 4, dlqAtStart: 100 }),
      world.deps,
    );
    expect(result).toMatchObject({ done: true, replayed: 23, quarantined: 2 });
    expect(world.account.sqs.depth(world.dlqUrl).visible).toBe(75);
  });

  it('holds under random throttling, server errors, failed entries, latency, crashes between send and delete, and parallel batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        faults,
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (schedule, seed, fifo, concurrency, adaptive) => {
          const world = dlqAccount({ fifo });
          const ids = fill(world, 60, fifo);
          // With the rate following a consumer, one that keeps up with 50 a second, and what it handled.
          const consumed = new Set<string>();
          if (adaptive)
            world.account.sqs.attachCapacityConsumer(world.sourceUrl, {
              functionName: 'orders-consumer',
              capacityPerSecond: () => 50,
              aboveCapacity: 'queue',
              handles: (m) => {
                consumed.add(originalIdOf(m.attributes, m.messageId));
                return true;
              },
            });
          world.account.sqs.injectFaults(schedule, seed);
          const result = await runToEnd(
            world,
            fifo,
            concurrency,
            adaptive ? adaptiveControl(100, 20, null) : null,
          );
          // Done only once the DLQ is empty: nothing left visible, nothing a crash left in flight.
          expect(result?.done).toBe(true);
          expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
          const everywhere = [
            ...[world.sourceUrl, world.dlqUrl, world.quarantineUrl].flatMap((url) => world.originalIds(url)),
            ...consumed,
          ];
          // Every message is somewhere; duplicates only ever come from a crash between send and delete.
          expect(new Set(everywhere)).toEqual(new Set(ids));
          if (!schedule.crashAfterSendRate) {
            expect(everywhere).toHaveLength(ids.length);
            expect(result).toMatchObject({ replayed: 54, quarantined: 6 });
          }
          // Nothing unparseable reached the consumer.
          expect(
            world.account.sqs.contents(world.sourceUrl).every((m) => !m.body.includes('truncated')),
          ).toBe(true);
        },
      ),
      { numRuns: propertyRuns(80) },
    );
  });
});
