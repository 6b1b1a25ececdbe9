import type { Scenario } from '../../scenario.js';
import {
  type OrdersFinalState,
  type OrdersWorld,
  ordersGameDay,
  type QueueOutcome,
} from './orders-service.js';

/** Every order replayed, none quarantined, left or lost, at the pace given. */
const allReplayed = (replayed: number, pace: string): QueueOutcome => ({
  runbookOutcome: 'replayed',
  replayed,
  quarantined: 0,
  leftInDlq: 0,
  lost: 0,
  pace,
});

/** The dlq-replay game days, on the orders queues. */
export const dlqReplayScenarios: readonly Scenario<OrdersWorld, QueueOutcome, OrdersFinalState>[] = [
  ordersGameDay({
    id: 'consumer-headroom',
    messages: 5_000,
    capacity: { perSecond: () => 1_000, aboveCapacity: 'queue' },
    description:
      'The fixed consumer handles 1,000 orders a second; the adaptive replay climbs from its start to the 500/s guardrail.',
    expected: allReplayed(5_000, 'peak 500/s, last 500/s, 0 consumer errors'),
  }),
  ordersGameDay({
    id: 'consumer-fails-above-250',
    messages: 5_000,
    capacity: { perSecond: () => 250, aboveCapacity: 'fail' },
    description:
      'The fixed consumer fails on what comes faster than 250 orders a second; the replay backs off and settles under it.',
    expected: allReplayed(5_000, 'peak 450/s, last 275/s, 300 consumer errors'),
  }),
  ordersGameDay({
    id: 'consumer-slows-halfway',
    messages: 5_000,
    capacity: { perSecond: (handled) => (handled < 2_500 ? 400 : 100), aboveCapacity: 'queue' },
    description:
      'A dependency of the fixed consumer slows down halfway through the replay (400 to 100 orders a second); the replay follows it down, losing nothing.',
    expected: allReplayed(5_000, 'peak 500/s, last 104/s, 0 consumer errors'),
  }),
  ordersGameDay({
    id: 'consumer-stalls',
    messages: 1_000,
    capacity: { perSecond: (handled) => (handled < 200 ? 100 : 0), aboveCapacity: 'queue' },
    description:
      'The fixed consumer stalls after 200 orders (its database hangs); the replay slows to its floor, pauses, and after two minutes without progress stops and escalates, the rest left in the DLQ.',
    expected: {
      runbookOutcome: 'stopped',
      replayed: 720,
      quarantined: 0,
      leftInDlq: 280,
      lost: 0,
      pace: 'peak 100/s, last 0/s, 0 consumer errors',
    },
  }),
  ordersGameDay({
    id: 'fixed-rate-requested',
    fixedRate: 200,
    description:
      'On-call starts the replay once the fix is in, asking for a fixed 200 orders a second: SQS’s own move task moves them at that rate.',
    expected: { runbookOutcome: 'replayed', replayed: 1_000, quarantined: 0, leftInDlq: 0, lost: 0 },
  }),
  ordersGameDay({
    id: 'consumer-fixed',
    description:
      'The consumer was fixed after 1,000 orders dead-lettered; the runbook moves them back as fast as the consumer keeps up.',
    expected: { runbookOutcome: 'replayed', replayed: 1_000, quarantined: 0, leftInDlq: 0, lost: 0 },
  }),
  ordersGameDay({
    id: 'poison-messages',
    poisonShare: 0.05,
    description:
      '5% of the dead-lettered orders are not even JSON; they go to quarantine, the rest back to the queue.',
    expected: { runbookOutcome: 'replayed', replayed: 950, quarantined: 50, leftInDlq: 0, lost: 0 },
  }),
  ordersGameDay({
    id: 'consumer-still-failing',
    consumerFixed: false,
    description: 'Nobody fixed the consumer; the runbook refuses to replay into it and nothing moves.',
    expected: { runbookOutcome: 'refused', replayed: 0, quarantined: 0, leftInDlq: 1_000, lost: 0 },
  }),
  ordersGameDay({
    id: 'throttled-sqs',
    poisonShare: 0.02,
    faults: { throttleRate: 0.2, serverErrorRate: 0.05, failedEntryRate: 0.05, latencyMs: 10 },
    description:
      'SQS throttles a fifth of the calls and fails some; the replay backs off and retries, losing nothing.',
    expected: { runbookOutcome: 'replayed', replayed: 980, quarantined: 20, leftInDlq: 0, lost: 0 },
  }),
  ordersGameDay({
    id: 'fifo-queue',
    fifo: true,
    messages: 200,
    description: 'A FIFO orders queue: the replay keeps message groups and deduplication working.',
    expected: { runbookOutcome: 'replayed', replayed: 200, quarantined: 0, leftInDlq: 0, lost: 0 },
  }),
];
