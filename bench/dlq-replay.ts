import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SimulatedAccount } from '../gameday/account/simulated-account.js';
import { createOrdersQueues } from '../gameday/scenarios/dlq-replay/orders-queues.js';
import { type ReplayBatchInput, replayBatch } from '../handlers/dlq-replay/replay-batch.js';
import { logger } from '../handlers/lib/observability.js';
import type { StepDeps } from '../handlers/lib/step-deps.js';
import type { BenchResult } from './bench-result.js';

const messages = 10_000;
/** The naive replay takes 30 ms a message; a sample of this size says enough. */
const naiveMessages = 300;
const callLatencyMs = 10;

const sqsCalls = (account: SimulatedAccount) => [...account.sqs.calls.values()].reduce((a, b) => a + b, 0);

/** A DLQ of `count` orders on an account whose SQS answers after 10 ms of real time. */
function world(count: number) {
  const account = new SimulatedAccount({ start: new Date() });
  const queues = createOrdersQueues(account);
  for (let i = 0; i < count; i += 1) {
    account.sqs.sendMessage({
      QueueUrl: queues.dlqUrl,
      MessageBody: JSON.stringify({ type: 'order-placed', orderId: i }),
      MessageAttributes: { tenant: { DataType: 'String', StringValue: `t${i % 5}` } },
    });
  }
  account.sqs.calls.clear();
  account.sqs.wallLatencyMs = callLatencyMs;
  // Real time: the replay's token bucket and budget run on the wall clock, as in Lambda.
  const deps = {
    clients: account.clients(),
    now: () => new Date(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    remainingTimeMs: () => 900_000,
    audit: { record: () => undefined },
  } as Pick<StepDeps, 'clients' | 'now' | 'sleep' | 'remainingTimeMs' | 'audit'> as StepDeps;
  return { account, deps, ...queues };
}

/** The runbook's replay step, invoked until the DLQ is empty. */
async function controlled() {
  const w = world(messages);
  const input: ReplayBatchInput = {
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:bench',
    dlqUrl: w.dlqUrl,
    sourceUrl: w.sourceUrl,
    quarantineUrl: w.quarantineUrl,
    fifo: false,
    ratePerSecond: 5_000,
    maxMessages: messages,
    maxReplays: 3,
    quarantineSignatures: [],
    dlqAtStart: messages,
    stopRatio: 0.1,
    stopAfterLandedBack: 10,
    budgetSeconds: 20,
    concurrency: 4,
    progress: { replayed: 0, quarantined: 0, landedBack: 0, failedEntries: 0, retries: 0, invocations: 0 },
  };
  const start = performance.now();
  let progress = input.progress;
  for (let done = false; !done; ) {
    const result = await replayBatch({ ...input, progress }, w.deps);
    progress = result;
    done = result.done || result.stopped;
  }
  const seconds = (performance.now() - start) / 1000;
  const inSource = w.account.sqs.contents(w.sourceUrl).length;
  return {
    seconds,
    moved: progress.replayed,
    calls: sqsCalls(w.account),
    lost: messages - inSource - w.account.sqs.contents(w.dlqUrl).length,
  };
}

/** What people script by hand: receive one, send it, delete it. */
async function naive() {
  const w = world(naiveMessages);
  const sqs = w.deps.clients.sqs;
  const start = performance.now();
  for (let moved = 0; moved < naiveMessages; moved += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: w.dlqUrl, MaxNumberOfMessages: 1 }),
    );
    const [message] = Messages;
    if (!message) break;
    await sqs.send(new SendMessageCommand({ QueueUrl: w.sourceUrl, MessageBody: message.Body ?? '' }));
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: w.dlqUrl, ReceiptHandle: message.ReceiptHandle ?? '' }),
    );
  }
  return { seconds: (performance.now() - start) / 1000, calls: sqsCalls(w.account) };
}

/**
 * DLQ replay: 10,000 messages through the runbook's replay step against the simulated SQS with
 * 10 ms per API call, beside a naive one-message-at-a-time replay in the same process.
 */
export async function dlqReplayBench(): Promise<BenchResult[]> {
  logger.setLogLevel('SILENT');
  const fast = await controlled();
  const slow = await naive();
  const rate = fast.moved / fast.seconds;
  const naiveRate = naiveMessages / slow.seconds;
  return [
    { name: 'dlq-replay messages per second', unit: 'messages/s', value: Math.round(rate) },
    {
      name: 'dlq-replay SQS calls per message',
      unit: 'calls/message',
      value: Number((fast.calls / fast.moved).toFixed(3)),
    },
    { name: 'dlq-replay messages replayed', unit: 'messages', value: fast.moved },
    { name: 'dlq-replay messages lost', unit: 'messages', value: fast.lost },
    {
      name: 'dlq-replay naive (one at a time) messages per second',
      unit: 'messages/s',
      value: Math.round(naiveRate),
    },
    {
      name: 'dlq-replay naive SQS calls per message',
      unit: 'calls/message',
      value: Number((slow.calls / naiveMessages).toFixed(3)),
    },
    { name: 'dlq-replay speed-up over naive', unit: 'ratio', value: Number((rate / naiveRate).toFixed(1)) },
  ];
}
