import type { Environment } from '../handlers/lib/step-deps.js';
import type { ReplayOutcome } from '../handlers/report-replay.js';
import type { SqsFaults } from './account/simulated-sqs.js';

/** What a DLQ game day ends with, compared field by field with the expectation. */
export interface QueueOutcome {
  readonly runbookOutcome: ReplayOutcome | 'not-started' | 'execution-failed';
  readonly replayed: number;
  readonly quarantined: number;
  readonly leftInDlq: number;
  /** Messages of the incident found in no queue and never consumed: must be 0. */
  readonly lost: number;
}

/**
 * A DLQ game day: an orders queue whose consumer failed, so `messages` went to the DLQ (a share of
 * them poison: not even JSON); then the consumer is fixed, or not, and the DLQ alarm starts the
 * replay.
 */
export interface QueueScenario {
  readonly id: string;
  readonly runbook: 'dlq-replay';
  readonly description: string;
  readonly environment: Environment;
  readonly fifo: boolean;
  readonly messages: number;
  readonly poisonShare: number;
  readonly consumerFixed: boolean;
  /** Faults of the SQS API during the replay. */
  readonly faults?: SqsFaults;
  readonly expected: QueueOutcome;
}
