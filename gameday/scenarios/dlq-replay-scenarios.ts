import type { QueueScenario } from '../queue-scenario.js';

const base = {
  runbook: 'dlq-replay',
  environment: 'dev',
  fifo: false,
  messages: 1_000,
  poisonShare: 0,
  consumerFixed: true,
} as const;

export const dlqReplayScenarios: readonly QueueScenario[] = [
  {
    ...base,
    id: 'consumer-fixed',
    description:
      'The consumer was fixed after 1,000 orders dead-lettered; the runbook moves them back with an SQS move task.',
    expected: { runbookOutcome: 'replayed', replayed: 1_000, quarantined: 0, leftInDlq: 0, lost: 0 },
  },
  {
    ...base,
    id: 'poison-messages',
    poisonShare: 0.05,
    description:
      '5% of the dead-lettered orders are not even JSON; they go to quarantine, the rest back to the queue.',
    expected: { runbookOutcome: 'replayed', replayed: 950, quarantined: 50, leftInDlq: 0, lost: 0 },
  },
  {
    ...base,
    id: 'consumer-still-failing',
    consumerFixed: false,
    description: 'Nobody fixed the consumer; the runbook refuses to replay into it and nothing moves.',
    expected: { runbookOutcome: 'refused', replayed: 0, quarantined: 0, leftInDlq: 1_000, lost: 0 },
  },
  {
    ...base,
    id: 'throttled-sqs',
    poisonShare: 0.02,
    faults: { throttleRate: 0.2, serverErrorRate: 0.05, failedEntryRate: 0.05, latencyMs: 10 },
    description:
      'SQS throttles a fifth of the calls and fails some; the replay backs off and retries, losing nothing.',
    expected: { runbookOutcome: 'replayed', replayed: 980, quarantined: 20, leftInDlq: 0, lost: 0 },
  },
  {
    ...base,
    id: 'fifo-queue',
    fifo: true,
    messages: 200,
    description: 'A FIFO orders queue: the replay keeps message groups and deduplication working.',
    expected: { runbookOutcome: 'replayed', replayed: 200, quarantined: 0, leftInDlq: 0, lost: 0 },
  },
];
