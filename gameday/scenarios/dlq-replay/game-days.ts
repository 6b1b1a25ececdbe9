import type { Scenario } from '../../scenario.js';
import {
  type OrdersFinalState,
  type OrdersWorld,
  ordersGameDay,
  type QueueOutcome,
} from './orders-service.js';

/** The dlq-replay game days, on the orders queues. */
export const dlqReplayScenarios: readonly Scenario<OrdersWorld, QueueOutcome, OrdersFinalState>[] = [
  ordersGameDay({
    id: 'consumer-fixed',
    description:
      'The consumer was fixed after 1,000 orders dead-lettered; the runbook moves them back with an SQS move task.',
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
