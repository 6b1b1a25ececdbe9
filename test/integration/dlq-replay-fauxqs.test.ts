import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noReplayProgress } from '../../handlers/dlq-replay/contract.js';
import {
  maxMessageAttributes,
  originalIdOf,
  replayAttributes,
} from '../../handlers/dlq-replay/replay-attributes.js';
import {
  type ReplayBatchInput,
  type ReplayProgress,
  replayBatch,
} from '../../handlers/dlq-replay/replay-batch.js';
import type { StepDeps } from '../../handlers/lib/step-deps.js';

// The replay steps against fauxqs 1.9.2, a third-party SQS implementation, on loopback only, with
// the real SDK client: an implementation we did not write checks what our simulator may get wrong.
// fauxqs has no ListDeadLetterSourceQueues and no message move tasks: the simulator's tests cover those.

type App = ReturnType<typeof buildApp>;
let app: App | undefined;
let sqs: SQSClient;

beforeEach(async () => {
  app = buildApp({ logger: false, defaultRegion: 'eu-west-1' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterEach(async () => {
  sqs.destroy();
  await app?.close();
  app = undefined;
});

const queue = async (name: string, attributes: Record<string, string> = {}) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl ?? '';

/** Attributes of every SQS data type, `count` of them. */
function attributesOf(count: number): Record<string, MessageAttributeValue> {
  const kinds: MessageAttributeValue[] = [
    { DataType: 'String', StringValue: 'eu' },
    { DataType: 'Number', StringValue: '42' },
    { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    { DataType: 'String.custom', StringValue: 'x' },
  ];
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`attr${i}`, kinds[i % kinds.length] as MessageAttributeValue]),
  );
}

/** 500 orders in the DLQ: attributes of every type, some with 8–10 of their own, some bodies of 700 KB. */
async function fillDlq(dlqUrl: string): Promise<number> {
  const orders = Array.from({ length: 500 }, (_, n) => ({
    n,
    attributes: n % 50 === 0 ? 10 : n % 50 === 1 ? 9 : n % 50 === 2 ? 8 : n % 4,
    big: n % 100 === 3,
  }));
  for (let i = 0; i < orders.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: orders.slice(i, i + 10).map((o) => ({
          Id: String(o.n),
          MessageBody: JSON.stringify({ order: o.n, ...(o.big ? { padding: 'p'.repeat(700_000) } : {}) }),
          ...(o.attributes ? { MessageAttributes: attributesOf(o.attributes) } : {}),
        })),
      }),
    );
  }
  return orders.length;
}

/** Everything in a queue (received and kept hidden, so each is read once). */
async function drain(url: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 600,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

const orderOf = (m: Message) => (JSON.parse(m.Body ?? '{}') as { order: number }).order;

/** An invocation's SQS client and what happens to the messages it held when it died. */
interface Invocation {
  readonly client: SQSClient;
  readonly afterCrash?: () => Promise<void>;
}

/** Invokes the replay step as the state machine does, retrying an invocation that crashed with its old progress. */
async function replayAll(base: Omit<ReplayBatchInput, 'progress'>, invocation: () => Invocation) {
  let progress: ReplayProgress = noReplayProgress;
  let crashes = 0;
  for (let i = 0; i < 50; i += 1) {
    const { client, afterCrash } = invocation();
    const deps = {
      clients: { sqs: client },
      now: () => new Date(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      remainingTimeMs: () => 60_000,
      audit: { record: () => undefined },
    } as unknown as StepDeps<'sqs' | 'cloudwatch'>;
    try {
      const result = await replayBatch({ ...base, progress }, deps);
      progress = result;
      if (result.done || result.stopped) return { result, crashes };
    } catch (error) {
      if ((error as Error).message !== 'crash') throw error;
      crashes += 1;
      await afterCrash?.();
    }
  }
  throw new Error('the replay did not finish');
}

type Sent = { constructor: { name: string }; input: Record<string, unknown> };

/**
 * A client whose invocation dies on every seventh DeleteMessageBatch it sends, after SQS has the
 * replayed copies: nothing it sends afterwards arrives. Once dead, `afterCrash` stands in for the
 * 120 s visibility timeout of the DLQ messages it held running out, without waiting for it.
 */
function crashingEvery7thDelete(dlqUrl: string, counter: { deletes: number }): Invocation {
  let dead = false;
  const held = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  const send = async (command: Sent) => {
    if (dead) throw new Error('crash');
    const name = command.constructor.name;
    const fromDlq = command.input.QueueUrl === dlqUrl;
    if (name === 'DeleteMessageBatchCommand' && fromDlq && ++counter.deletes % 7 === 0) {
      dead = true;
      throw new Error('crash');
    }
    const out = (await sqs.send(command as never)) as { Messages?: Message[] };
    if (name === 'ReceiveMessageCommand' && fromDlq)
      for (const m of out.Messages ?? []) held.add(m.ReceiptHandle ?? '');
    if (name === 'DeleteMessageBatchCommand' && fromDlq)
      for (const e of command.input.Entries as { ReceiptHandle: string }[]) held.delete(e.ReceiptHandle);
    if (dead) throw new Error('crash');
    return out;
  };
  const client = new Proxy(sqs, {
    get: (target, prop, receiver) =>
      prop === 'send'
        ? (command: Sent) => {
            const call = send(command);
            pending.add(call);
            void call.catch(() => undefined).finally(() => pending.delete(call));
            return call;
          }
        : Reflect.get(target, prop, receiver),
  });
  const afterCrash = async () => {
    await Promise.allSettled([...pending]);
    const handles = [...held];
    for (let i = 0; i < handles.length; i += 10) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: handles
            .slice(i, i + 10)
            .map((h, n) => ({ Id: String(n), ReceiptHandle: h, VisibilityTimeout: 0 })),
        }),
      );
    }
  };
  return { client, afterCrash };
}

async function setup(sourceAttributes: Record<string, string> = {}) {
  const sourceUrl = await queue('orders', sourceAttributes);
  const dlqUrl = await queue('orders-dlq');
  const quarantineUrl = await queue('orders-dlq-quarantine');
  const total = await fillDlq(dlqUrl);
  const base: Omit<ReplayBatchInput, 'progress'> = {
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:fauxqs',
    dlqUrl,
    sourceUrl,
    quarantineUrl,
    fifo: false,
    ratePerSecond: 2_000,
    maxMessages: 100_000,
    maxReplays: 3,
    quarantineSignatures: [],
    dlqAtStart: total,
    quarantineAtStart: 0,
    dlqInFlightAtStart: 0,
    stopRatio: 0.1,
    stopAfterLandedBack: 10,
    concurrency: 4,
    budgetSeconds: 20,
  };
  return { sourceUrl, dlqUrl, quarantineUrl, total, base };
}

describe('the DLQ replay against fauxqs', () => {
  it('moves 500 messages with attributes of every type and 700 KB bodies, never more than ten attributes, losing none', async () => {
    const { sourceUrl, dlqUrl, quarantineUrl, total, base } = await setup();
    const { result } = await replayAll(base, () => ({ client: sqs }));
    const source = await drain(sourceUrl);
    const quarantine = await drain(quarantineUrl);
    expect(await drain(dlqUrl)).toEqual([]);
    expect(new Set([...source, ...quarantine].map(orderOf)).size).toBe(total);
    for (const m of [...source, ...quarantine])
      expect(Object.keys(m.MessageAttributes ?? {}).length).toBeLessThanOrEqual(maxMessageAttributes);
    // Eight or nine of their own: the replay's marks packed into one attribute.
    const nine = source.find((m) => orderOf(m) === 1);
    expect(nine?.MessageAttributes?.[replayAttributes.packed]).toBeDefined();
    expect(originalIdOf(nine?.MessageAttributes, '?')).not.toBe('?');
    // Ten of their own: no room, quarantined with them unchanged.
    expect(quarantine.map(orderOf).sort((a, b) => a - b)).toEqual([
      0, 50, 100, 150, 200, 250, 300, 350, 400, 450,
    ]);
    expect(result).toMatchObject({ replayed: 490, quarantined: 10, done: true });
  }, 60_000);

  it('quarantines a message the source refuses (a sender fault) after its first failure, with SQS’s reason', async () => {
    const { sourceUrl, quarantineUrl, base } = await setup({ MaximumMessageSize: String(300 * 1024) });
    const { result } = await replayAll(base, () => ({ client: sqs }));
    const quarantine = await drain(quarantineUrl);
    const big = quarantine.filter((m) => (m.Body ?? '').length > 300 * 1024);
    expect(big).toHaveLength(5);
    for (const m of big)
      expect(m.MessageAttributes?.[replayAttributes.quarantineReason]?.StringValue).toMatch(
        /^the source queue refused it/,
      );
    // Each refused once, never retried for the rest of the run.
    expect(result.failedEntries).toBe(0);
    expect((await drain(sourceUrl)).length + quarantine.length).toBe(500);
  }, 60_000);

  it('counts every message once and loses none when invocations crash between send and delete', async () => {
    const { sourceUrl, dlqUrl, quarantineUrl, total, base } = await setup();
    const counter = { deletes: 0 };
    const { result, crashes } = await replayAll(base, () => crashingEvery7thDelete(dlqUrl, counter));
    expect(crashes).toBeGreaterThan(0);
    expect(await drain(dlqUrl)).toEqual([]);
    const quarantine = await drain(quarantineUrl);
    const originals = new Set([...(await drain(sourceUrl)), ...quarantine].map(orderOf));
    expect(originals.size).toBe(total);
    // Every message that left the DLQ is counted once; a message quarantined again after a crash
    // is in the quarantine twice, and the report says what the quarantine holds.
    expect(result.done).toBe(true);
    expect(result.replayed + result.quarantined).toBe(total);
    expect(result.quarantined).toBe(quarantine.length);
  }, 60_000);
});
