import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { replayAttributes, replayMarksOf } from '../../handlers/dlq-replay/replay-attributes.js';
import { replayBatch } from '../../handlers/dlq-replay/replay-batch.js';
import { InvalidInputError } from '../../handlers/lib/errors.js';
import { dlqAccount } from '../support/dlq-account.js';

type World = ReturnType<typeof dlqAccount>;

/** The world's SQS client, with the last entry of the first batch call of `Command`'s kind failing. */
function failingOnce(
  world: World,
  Command: typeof DeleteMessageBatchCommand | typeof ChangeMessageVisibilityBatchCommand,
) {
  const sqs = world.deps.clients.sqs;
  let failed = false;
  const send = async (command: Parameters<SQSClient['send']>[0]) => {
    if (failed || !(command instanceof Command)) return sqs.send(command as never);
    failed = true;
    const entries = command.input.Entries ?? [];
    const last = entries[entries.length - 1];
    const answer = await sqs.send(new Command({ ...command.input, Entries: entries.slice(0, -1) }) as never);
    return {
      ...answer,
      Failed: [{ Id: last?.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' }],
    };
  };
  return { ...world.deps, clients: { ...world.deps.clients, sqs: { send } as unknown as SQSClient } };
}

describe('a replay invocation when SQS refuses part of a batch', () => {
  it('makes entries that failed on their own visible again and sends them in a later batch', async () => {
    const world = dlqAccount();
    world.fill(40);
    const input = world.input({ dlqAtStart: 45, stopAfterLandedBack: 100 });
    world.cameBack(5, input.executionId);
    world.account.sqs.injectFaults({ failedEntryRate: 0.2 }, 3);
    const result = await replayBatch(input, world.deps);
    expect(result).toMatchObject({ done: true, replayed: 40, landedBack: 5, hidden: 5 });
    expect(result.failedEntries).toBeGreaterThan(0);
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 5 });
    expect(new Set(world.originalIds(world.sourceUrl)).size).toBe(40);
  });

  it('quarantines at once, with SQS’s reason, a message the source queue refuses', async () => {
    const world = dlqAccount();
    world.account.sqs.setQueueAttributes({
      QueueUrl: world.sourceUrl,
      Attributes: { MaximumMessageSize: '1024' },
    });
    world.fill(3);
    world.fill(1, () => JSON.stringify({ orderId: 'big', padding: 'p'.repeat(2048) }));
    const result = await replayBatch(world.input({ dlqAtStart: 4 }), world.deps);
    expect(result).toMatchObject({ done: true, replayed: 3, quarantined: 1, failedEntries: 0, hidden: 0 });
    const [quarantined] = world.account.sqs.contents(world.quarantineUrl);
    expect(replayMarksOf(quarantined?.attributes).quarantinedBy).toBe(world.input().executionId);
    expect(quarantined?.attributes[replayAttributes.quarantineReason]?.StringValue).toMatch(
      /^the source queue refused it: InvalidParameterValue /,
    );
  });

  it('leaves a message the quarantine refuses too in the DLQ, hidden from this run and counted', async () => {
    const world = dlqAccount();
    for (const url of [world.sourceUrl, world.quarantineUrl])
      world.account.sqs.setQueueAttributes({ QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } });
    world.fill(2);
    world.fill(1, () => JSON.stringify({ orderId: 'big', padding: 'p'.repeat(2048) }));
    const result = await replayBatch(world.input({ dlqAtStart: 3 }), world.deps);
    expect(result).toMatchObject({ done: true, replayed: 2, quarantined: 0, failedEntries: 1, hidden: 1 });
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 1 });
  });

  it('counts a failed delete; the message is sent again once visible, its original id marking the copy', async () => {
    const world = dlqAccount();
    world.fill(10);
    const input = world.input({ dlqAtStart: 10, budgetSeconds: 200 });
    const deps = { ...failingOnce(world, DeleteMessageBatchCommand), remainingTimeMs: () => 900_000 };
    const result = await replayBatch(input, deps);
    expect(result).toMatchObject({ done: true, replayed: 10, failedEntries: 1 });
    const ids = world.originalIds(world.sourceUrl);
    expect(ids).toHaveLength(11);
    expect(new Set(ids).size).toBe(10);
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('counts a message it could not hide as a failed entry, not as hidden', async () => {
    const world = dlqAccount();
    const input = world.input({ dlqAtStart: 3, stopAfterLandedBack: 100, budgetSeconds: 1 });
    world.cameBack(3, input.executionId);
    const result = await replayBatch(input, failingOnce(world, ChangeMessageVisibilityBatchCommand));
    expect(result).toMatchObject({ landedBack: 3, hidden: 2, failedEntries: 1 });
  });

  it('hides messages that came back within 12 hours of their receive, however long the batch took', async () => {
    const world = dlqAccount();
    world.fill(5);
    const input = world.input({ dlqAtStart: 10, stopAfterLandedBack: 100 });
    world.cameBack(5, input.executionId);
    // Every call takes 35 s: the batch's send and delete take 70 s between its receive and the hiding.
    world.account.sqs.injectFaults({ latencyMs: 35_000 });
    const result = await replayBatch(input, world.deps);
    expect(result).toMatchObject({ replayed: 5, landedBack: 5, hidden: 5, failedEntries: 0 });
    world.account.advance(43_200 - 120 - 60 - 105);
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 5 });
  });
});

describe('a replay invocation after one that crashed', () => {
  it('counts what the crashed invocation moved from what the queues hold, once', async () => {
    const world = dlqAccount();
    world.fill(5, () => 'not json');
    world.fill(45);
    const input = world.input({ dlqAtStart: 50 });
    // The first invocation dies after its third delete: it moved 30 messages and returned nothing.
    const sqs = world.deps.clients.sqs;
    let deletes = 0;
    const dying = {
      send: async (command: Parameters<SQSClient['send']>[0]) => {
        if (deletes === 3) throw new Error('Sandbox.Timedout');
        if (command instanceof DeleteMessageBatchCommand) deletes += 1;
        return sqs.send(command as never);
      },
    } as unknown as SQSClient;
    await expect(
      replayBatch(input, { ...world.deps, clients: { ...world.deps.clients, sqs: dying } }),
    ).rejects.toThrow('Sandbox.Timedout');
    const movedBefore = 50 - world.account.sqs.depth(world.dlqUrl).visible;
    expect(movedBefore).toBe(30);
    expect(world.account.sqs.contents(world.quarantineUrl)).toHaveLength(5);
    const result = await replayBatch(
      { ...input, progress: { ...input.progress, invocations: 1 } },
      world.deps,
    );
    expect(result).toMatchObject({ done: true, replayed: 45, quarantined: 5, invocations: 2 });
    expect(world.account.sqs.contents(world.sourceUrl)).toHaveLength(45);
  });
});

describe('a replay invocation reconciling its counts with the queues', () => {
  /**
   * A run that began with 52 messages: it reported 20 replayed, 3 of them back in the DLQ (hidden),
   * then an invocation crashed after replaying 10 more and quarantining 2, reporting nothing. The
   * quarantine also holds 2 older messages someone is looking at (in flight).
   */
  async function afterCrash(overrides: { stopRatio?: number; stopAfterLandedBack?: number } = {}) {
    const world = dlqAccount();
    const sqs = world.account.clients().sqs;
    for (let i = 0; i < 2; i += 1)
      world.account.sqs.sendMessage({ QueueUrl: world.quarantineUrl, MessageBody: 'old' });
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.quarantineUrl,
        MaxNumberOfMessages: 2,
        VisibilityTimeout: 3_600,
      }),
    );
    const input = world.input({ dlqAtStart: 52, quarantineAtStart: 2, ...overrides });
    world.cameBack(3, input.executionId);
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.dlqUrl,
        MaxNumberOfMessages: 3,
        VisibilityTimeout: 40_000,
      }),
    );
    world.fill(20);
    for (let i = 0; i < 30; i += 1)
      world.account.sqs.sendMessage({ QueueUrl: world.sourceUrl, MessageBody: '{}' });
    for (let i = 0; i < 2; i += 1)
      world.account.sqs.sendMessage({ QueueUrl: world.quarantineUrl, MessageBody: 'new' });
    const progress = { ...input.progress, replayed: 20, landedBack: 3, hidden: 3, invocations: 2 };
    return { world, result: await replayBatch({ ...input, progress }, world.deps) };
  }

  it('counts what the crash moved, messages that came back and the quarantine’s own traffic apart', async () => {
    const { result } = await afterCrash({ stopAfterLandedBack: 100 });
    expect(result).toMatchObject({ done: true, replayed: 50, quarantined: 2, landedBack: 3 });
  });

  it('sees at its start, among messages in flight, those that came back', async () => {
    const { result } = await afterCrash({ stopAfterLandedBack: 3, stopRatio: 0.05 });
    expect(result).toMatchObject({
      stopped: true,
      reason: 'about 3 of 30 replayed messages came back to the DLQ',
      quarantined: 2,
    });
  });
});

describe('a replay invocation deciding it is done', () => {
  it('is done when what is in flight is what it hid and what was in flight at its start', async () => {
    const world = dlqAccount();
    world.fill(3);
    // Another consumer holds these three.
    await world.account.clients().sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.dlqUrl,
        MaxNumberOfMessages: 3,
        VisibilityTimeout: 3_600,
      }),
    );
    world.fill(10);
    const input = world.input({ dlqAtStart: 18, dlqInFlightAtStart: 3, stopAfterLandedBack: 100 });
    world.cameBack(5, input.executionId);
    const result = await replayBatch(input, world.deps);
    expect(result).toMatchObject({
      done: true,
      reason: 'the DLQ has no more visible messages',
      replayed: 10,
      hidden: 5,
    });
  });

  it('waits for messages a crashed invocation still holds, then moves them', async () => {
    const world = dlqAccount();
    world.fill(10);
    // A crashed invocation received these and never deleted them.
    await world.account
      .clients()
      .sqs.send(
        new ReceiveMessageCommand({ QueueUrl: world.dlqUrl, MaxNumberOfMessages: 4, VisibilityTimeout: 60 }),
      );
    const started = world.account.clock.now().getTime();
    const result = await replayBatch(world.input({ dlqAtStart: 10, budgetSeconds: 120 }), {
      ...world.deps,
      remainingTimeMs: () => 900_000,
    });
    expect(result).toMatchObject({
      done: true,
      reason: 'the DLQ has no more visible messages',
      replayed: 10,
    });
    expect(world.account.clock.now().getTime() - started).toBeGreaterThanOrEqual(60_000);
  });

  it('is done, saying so, when what is visible cannot be received (a FIFO group held by a hidden message)', async () => {
    const world = dlqAccount({ fifo: true });
    // One message a receive: the one that came back is received alone and holds its group.
    const input = world.input({ dlqAtStart: 2, stopAfterLandedBack: 100, maxMessages: 1 });
    world.cameBack(1, input.executionId, 'customer-1');
    world.account.sqs.sendMessage({
      QueueUrl: world.dlqUrl,
      MessageBody: JSON.stringify({ orderId: 'next' }),
      MessageGroupId: 'customer-1',
      MessageDeduplicationId: 'next',
    });
    const started = world.account.clock.now().getTime();
    const result = await replayBatch(input, world.deps);
    expect(result).toMatchObject({
      done: true,
      stopped: false,
      reason: 'visible messages that cannot be received now: 1',
      landedBack: 1,
      hidden: 1,
      replayed: 0,
    });
    expect(world.account.clock.now().getTime() - started).toBeLessThan(5_000);
  });

  it('ends at the most one run may when another worker found the rest of a FIFO group held', async () => {
    const world = dlqAccount({ fifo: true });
    for (let i = 0; i < 20; i += 1) {
      world.account.sqs.sendMessage({
        QueueUrl: world.dlqUrl,
        MessageBody: JSON.stringify({ orderId: i }),
        MessageGroupId: 'customer-1',
        MessageDeduplicationId: `d${i}`,
      });
    }
    const result = await replayBatch(
      world.input({ dlqAtStart: 20, maxMessages: 15, concurrency: 2 }),
      world.deps,
    );
    expect(result).toMatchObject({
      done: true,
      reason: 'moved the most messages one run may (15)',
      replayed: 15,
    });
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 5, inFlight: 0 });
  });

  it('refuses malformed input, naming the step and the field, and touches no queue', async () => {
    const world = dlqAccount();
    world.fill(3);
    world.account.sqs.calls.clear();
    await expect(replayBatch(world.input({ ratePerSecond: 0 }), world.deps)).rejects.toThrow(
      InvalidInputError,
    );
    await expect(replayBatch(world.input({ ratePerSecond: 0 }), world.deps)).rejects.toThrow(
      /replay-batch.*ratePerSecond/,
    );
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });
    expect(world.account.sqs.calls.size).toBe(0);
  });
});
