import type { CapacityConsumer } from '../gameday/account/sqs/capacity-consumer.js';
import { adaptiveControl } from '../handlers/dlq-replay/plan-replay.js';
import { type BenchResult, figure, repeat } from './bench-result.js';
import { guardrails, replayInput, replayUntilDone, consumer as watched, world } from './replay-world.js';
import { onVirtualTime } from './virtual-time.js';

/** The size: a DLQ of 20,000 messages, each SQS call taking 10 ms. */
const messages = 20_000;
/** The environment's guardrail the replays run under: dev's, the highest fixed rate SQS moves at. */
const cap = guardrails.maxRatePerSecond.dev;
/** Fixed rates tried for the best in hindsight: every 50/s up to the cap. */
const fixedRates = Array.from({ length: cap / 50 }, (_, i) => (i + 1) * 50);
/** How often the account's clock (and so the consumer) moves, during the replay and after. */
const clockStepMs = 10;
/** Waiting for the consumer beyond this (virtual) time: not drained. */
const drainLimitMs = 3_600_000;

type Consumer = Pick<CapacityConsumer, 'aboveCapacity'> & {
  readonly name: string;
  readonly perSecond: (processed: number) => number;
};

/**
 * The simulated consumers of the game days, at the benchmark's size: the one slowing halfway as the
 * game day has it (it takes no more than it can), and again failing above its capacity (Lambda
 * scaling into a slowed dependency), the harder case.
 */
const consumers: readonly Consumer[] = [
  { name: 'headroom (1,000/s)', perSecond: () => 1_000, aboveCapacity: 'queue' },
  { name: 'fails above 250/s', perSecond: () => 250, aboveCapacity: 'fail' },
  {
    name: 'slows halfway (400→100/s, queues above)',
    perSecond: (processed) => (processed < messages / 2 ? 400 : 100),
    aboveCapacity: 'queue',
  },
  {
    name: 'slows halfway (400→100/s, fails above)',
    perSecond: (processed) => (processed < messages / 2 ? 400 : 100),
    aboveCapacity: 'fail',
  },
];

interface Drain {
  /** Seconds until the consumer processed every message, or the rest was left in the DLQ. */
  readonly seconds: number;
  /** Messages left in the DLQ: the replay stopped, or they failed again after it ended. */
  readonly left: number;
  /** Messages the consumer failed on: errors the replay caused. */
  readonly errors: number;
  readonly lost: number;
}

/** One replay of the DLQ into `consumer`, fixed at `rate` or adaptive up to the cap, on virtual time. */
function drain(consumer: Consumer, pacing: { fixed: number } | 'adaptive'): Promise<Drain> {
  return onVirtualTime(async () => {
    const w = world(messages);
    const counts = w.account.sqs.attachCapacityConsumer(w.sourceUrl, {
      functionName: watched.functionName,
      capacityPerSecond: () => consumer.perSecond(counts.processed),
      aboveCapacity: consumer.aboveCapacity,
    });
    const start = Date.now();
    const clock = setInterval(() => w.account.advanceTo(Date.now()), clockStepMs);
    const input = replayInput(
      w,
      messages,
      pacing === 'adaptive'
        ? { ratePerSecond: cap, control: adaptiveControl(cap, guardrails.defaultRatePerSecond, watched) }
        : { ratePerSecond: pacing.fixed },
    );
    await replayUntilDone(w, input).finally(() => clearInterval(clock));
    // The replay is over; the consumer works through what it left, retries included, served in
    // the same 10 ms steps as during the replay: a consumer failing above its capacity takes all
    // that became visible in a step at once, so coarser steps would make it fail more afterwards.
    let at = Date.now();
    const inDlq = () => w.account.sqs.contents(w.dlqUrl).length;
    while (counts.processed < messages && inDlq() === 0 && at - start < drainLimitMs) {
      at += clockStepMs;
      w.account.advanceTo(at);
    }
    const left = inDlq();
    const lost = messages - counts.processed - w.account.sqs.contents(w.sourceUrl).length - left;
    return { seconds: (at - start) / 1000, left, errors: counts.errors, lost };
  }, drainLimitMs * 2);
}

interface ConsumerRun {
  readonly consumer: string;
  readonly adaptive: Drain;
  readonly atCap: Drain;
  /** The fixed rate that drained soonest, chosen after trying them all. */
  readonly bestRate: number;
  readonly best: Drain;
}

async function runAgainst(consumer: Consumer): Promise<ConsumerRun> {
  const fixed: { rate: number; result: Drain }[] = [];
  for (const rate of fixedRates) fixed.push({ rate, result: await drain(consumer, { fixed: rate }) });
  const drained = fixed.filter((f) => f.result.left === 0);
  const best = (drained.length ? drained : fixed).reduce((a, b) =>
    b.result.seconds < a.result.seconds ? b : a,
  );
  const atCap = fixed.find((f) => f.rate === cap)?.result ?? best.result;
  return {
    consumer: consumer.name,
    adaptive: await drain(consumer, 'adaptive'),
    atCap,
    bestRate: best.rate,
    best: best.result,
  };
}

/** Every consumer, each with the adaptive replay and every fixed rate, repeated. */
export function replayAgainstConsumers(runs?: number): Promise<ConsumerRun[][]> {
  return repeat(async () => {
    const runs = [];
    for (const consumer of consumers) runs.push(await runAgainst(consumer));
    return runs;
  }, runs);
}

/** Errors the adaptive replay caused per error a fixed replay at the cap caused; 0 when neither did. */
const errorRatio = (r: ConsumerRun) =>
  r.atCap.errors > 0
    ? r.adaptive.errors / r.atCap.errors
    : r.adaptive.errors > 0
      ? Number.POSITIVE_INFINITY
      : 0;
const drainRatio = (r: ConsumerRun) =>
  r.adaptive.left > 0 ? Number.POSITIVE_INFINITY : r.adaptive.seconds / r.best.seconds;

/** The figures (worst consumer), then each consumer's, from the repeated runs. */
export function consumerFigures(repeats: readonly ConsumerRun[][]): BenchResult[] {
  const worst = (of: (r: ConsumerRun) => number) => repeats.map((runs) => Math.max(...runs.map(of)));
  const perConsumer = consumers.flatMap((consumer, i) => {
    const runs = repeats.map((r) => r[i] as ConsumerRun);
    const label = `dlq-replay ${consumer.name}`;
    return [
      figure(
        `${label}: adaptive seconds to drain`,
        's',
        runs.map((r) => r.adaptive.seconds),
      ),
      figure(
        `${label}: best fixed rate (hindsight)`,
        'messages/s',
        runs.map((r) => r.bestRate),
      ),
      figure(
        `${label}: best fixed seconds to drain`,
        's',
        runs.map((r) => r.best.seconds),
      ),
      figure(
        `${label}: fixed at ${cap}/s seconds to drain`,
        's',
        runs.map((r) => r.atCap.seconds),
      ),
      figure(
        `${label}: fixed at ${cap}/s left in the DLQ`,
        'messages',
        runs.map((r) => r.atCap.left),
      ),
      figure(
        `${label}: adaptive consumer errors`,
        'errors',
        runs.map((r) => r.adaptive.errors),
      ),
      figure(
        `${label}: fixed at ${cap}/s consumer errors`,
        'errors',
        runs.map((r) => r.atCap.errors),
      ),
      figure(
        `${label}: best fixed consumer errors`,
        'errors',
        runs.map((r) => r.best.errors),
      ),
    ];
  });
  return [
    {
      ...figure('dlq-replay-adaptive-drain-ratio', 'x', worst(drainRatio), 2),
      details: {
        what: `adaptive time to drain ${messages} messages ÷ the best fixed rate's (every 50/s up to ${cap}/s), worst consumer`,
      },
    },
    {
      ...figure('dlq-replay-adaptive-error-ratio', 'x', worst(errorRatio), 3),
      details: { what: `consumer errors caused, adaptive ÷ fixed at the cap (${cap}/s), worst consumer` },
    },
    figure(
      'dlq-replay lost (adaptive and fixed, every consumer)',
      'messages',
      repeats.map((runs) => Math.max(...runs.flatMap((r) => [r.adaptive.lost, r.atCap.lost, r.best.lost]))),
    ),
    ...perConsumer,
  ];
}
