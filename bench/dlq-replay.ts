import {
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { adaptiveControl } from '../handlers/dlq-replay/plan-replay.js';
import { logger } from '../handlers/lib/observability.js';
import { type BenchResult, figure, repeat } from './bench-result.js';
import { consumerFigures, replayAgainstConsumers } from './dlq-replay-consumers.js';
import {
  guardrails,
  replayInput,
  replayUntilDone,
  sqsCalls,
  consumer as watched,
  world,
} from './replay-world.js';

const messages = 2_000;
/** The naive replay takes 30 ms a message; a sample of this size says enough. */
const naiveMessages = 100;
/**
 * The runbook's replay step, invoked until the DLQ is empty, as the definition invokes it in dev:
 * at that environment's highest rate, with the definition's budget and concurrency.
 */
async function controlled() {
  const w = world(messages);
  const input = replayInput(w, messages, { ratePerSecond: guardrails.maxRatePerSecond.dev });
  const start = performance.now();
  const progress = await replayUntilDone(w, input);
  const seconds = (performance.now() - start) / 1000;
  return {
    rate: progress.replayed / seconds,
    calls: sqsCalls(w.account) / progress.replayed,
    lost: w.lost(),
  };
}

/** The adaptive guardrail the max-rate figure is measured at. */
const adaptiveCap = 3_000;
const adaptiveMessages = 20_000;

/**
 * The adaptive replay with a healthy consumer (5,000 messages a second) and a 3,000/s guardrail:
 * the rate it sustains once it found the consumer keeps up, on 20,000 messages. The account's
 * clock follows the wall clock, so the consumer works while the replay waits on SQS.
 */
async function adaptive() {
  const w = world(adaptiveMessages);
  const consumer = w.account.sqs.attachCapacityConsumer(w.sourceUrl, {
    functionName: watched.functionName,
    capacityPerSecond: () => 5_000,
    aboveCapacity: 'queue',
  });
  // The DLQ's depth over wall time, to tell the rate sustained once the cap was reached.
  const samples: { at: number; left: number }[] = [];
  const clock = setInterval(() => {
    w.account.advanceTo(Date.now());
    samples.push({ at: Date.now(), left: w.account.sqs.contents(w.dlqUrl).length });
  }, 10);
  const input = replayInput(w, adaptiveMessages, {
    ratePerSecond: adaptiveCap,
    control: adaptiveControl(adaptiveCap, guardrails.defaultRatePerSecond, watched),
  });
  const progress = await replayUntilDone(w, input).finally(() => clearInterval(clock));
  const end = Date.now();
  const reachedAt = Date.parse(progress.rateLog?.find((e) => e.rate >= adaptiveCap)?.at ?? '') || end;
  const leftAtCap = samples.find((s) => s.at >= reachedAt)?.left ?? 0;
  return {
    // Messages a second from the moment the rate reached the cap to the end.
    sustained: end > reachedAt ? leftAtCap / ((end - reachedAt) / 1000) : 0,
    calls: sqsCalls(w.account) / progress.replayed,
    lost:
      adaptiveMessages -
      w.account.sqs.contents(w.sourceUrl).length -
      w.account.sqs.contents(w.dlqUrl).length -
      consumer.processed,
  };
}

/**
 * What a careful engineer writes without this project: batches of ten in sequence (receive 10,
 * send them in one batch, delete in one batch what was sent), until the DLQ is empty.
 */
async function batched() {
  const w = world(messages);
  const sqs = w.deps.clients.sqs;
  const start = performance.now();
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: w.dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: w.sourceUrl,
        Entries: Messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? '',
          ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}),
        })),
      }),
    );
    const ok = (sent.Successful ?? []).map((e) => Number(e.Id));
    if (ok.length === 0) continue;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: w.dlqUrl,
        Entries: ok.map((i) => ({ Id: String(i), ReceiptHandle: Messages[i]?.ReceiptHandle ?? '' })),
      }),
    );
    moved += ok.length;
  }
  const seconds = (performance.now() - start) / 1000;
  return { rate: moved / seconds, calls: sqsCalls(w.account) / moved, lost: w.lost() };
}

/** What people script in a hurry: receive one, send it, delete it. */
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
  const seconds = (performance.now() - start) / 1000;
  return { rate: naiveMessages / seconds, calls: sqsCalls(w.account) / naiveMessages };
}

/**
 * DLQ replay against the simulated SQS with 10 ms of real time per API call: the runbook's replay
 * step at the highest rate its dev guardrails allow, beside a careful sequential batch replay and a
 * naive one-message-at-a-time replay, alternating in the same process.
 */
export async function dlqReplayBench(): Promise<BenchResult[]> {
  logger.setLogLevel('SILENT');
  const runs = await repeat(async () => ({
    fast: await controlled(),
    careful: await batched(),
    slow: await naive(),
    adaptive: await adaptive(),
  }));
  const againstConsumers = consumerFigures(await replayAgainstConsumers());
  const cap = guardrails.maxRatePerSecond.dev;
  return [
    figure(
      `dlq-replay messages per second (runbook, rate cap ${cap}/s)`,
      'messages/s',
      runs.map((r) => r.fast.rate),
    ),
    figure(
      'dlq-replay SQS calls per message (runbook)',
      'calls/message',
      runs.map((r) => r.fast.calls),
      3,
    ),
    figure(
      'dlq-replay messages lost (runbook)',
      'messages',
      runs.map((r) => r.fast.lost),
    ),
    figure(
      'dlq-replay baseline: sequential batches of 10, messages per second',
      'messages/s',
      runs.map((r) => r.careful.rate),
    ),
    figure(
      'dlq-replay baseline: sequential batches of 10, SQS calls per message',
      'calls/message',
      runs.map((r) => r.careful.calls),
      3,
    ),
    figure(
      'dlq-replay naive (one at a time) messages per second',
      'messages/s',
      runs.map((r) => r.slow.rate),
    ),
    figure(
      'dlq-replay speed-up over sequential batches',
      'x',
      runs.map((r) => r.fast.rate / r.careful.rate),
      2,
    ),
    {
      ...figure(
        'dlq-replay-max-rate',
        'messages/s',
        runs.map((r) => r.adaptive.sustained),
      ),
      details: {
        what: `adaptive replay of ${adaptiveMessages} messages, healthy consumer (5,000/s), guardrail ${adaptiveCap}/s: rate sustained once the cap was reached`,
      },
    },
    figure(
      'dlq-replay-calls-per-message',
      'calls/message',
      runs.map((r) => r.adaptive.calls),
      3,
    ),
    figure(
      'dlq-replay-lost',
      'messages',
      runs.map((r) => r.adaptive.lost),
    ),
    ...againstConsumers,
    figure(
      'dlq-replay speed-up over naive',
      'x',
      runs.map((r) => r.fast.rate / r.slow.rate),
      1,
    ),
  ];
}
