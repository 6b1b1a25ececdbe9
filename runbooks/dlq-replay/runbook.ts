import { step as checkMoveTaskStep } from '../../handlers/dlq-replay/check-move-task.js';
import { dlqReplayInputSchema, type ReplayGuardrails } from '../../handlers/dlq-replay/contract.js';
import { step as inspectDlqStep } from '../../handlers/dlq-replay/inspect-dlq.js';
import { step as planReplayStep } from '../../handlers/dlq-replay/plan-replay.js';
import { step as replayBatchStep } from '../../handlers/dlq-replay/replay-batch.js';
import { step as reportReplayStep } from '../../handlers/dlq-replay/report-replay.js';
import { step as startMoveTaskStep } from '../../handlers/dlq-replay/start-move-task.js';
import { step as changeGateStep } from '../../handlers/shared/change-gate.js';
import { step as escalateStep } from '../../handlers/shared/escalate.js';
import { step as releaseLeaseStep } from '../../handlers/shared/release-lease.js';
import { step as requestApprovalStep } from '../../handlers/shared/request-approval.js';
import { defineRunbook } from '../define-runbook.js';

/** Everything that bounds a replay; the plan checks the first part, the definition carries the rest. */
export interface DlqReplayGuardrails extends ReplayGuardrails {
  /** Minutes of the consumer's metrics that say whether it is healthy again. */
  readonly consumerLookbackMinutes: number;
  /** One replay invocation's time budget; the loop goes on in the state machine. */
  readonly batchBudgetSeconds: number;
  /** Batches one replay invocation moves at once (SQS calls are mostly waiting). */
  readonly replayConcurrency: number;
  /**
   * Replay invocations one execution may make: each costs about 7 history events, so the loop stays
   * far below Step Functions' 25,000-event limit (about 50,000 messages at 100/s fit well within).
   */
  readonly maxReplayInvocations: number;
}

const guardrails: DlqReplayGuardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  maxMessagesPerRun: 50_000,
  defaultRatePerSecond: 100,
  maxRatePerSecond: { dev: 500, staging: 500, prod: 500 },
  maxConsumerErrorRate: 0.05,
  visibilityTimeoutFactor: 6,
  maxReplays: 3,
  stopRatio: 0.1,
  stopAfterLandedBack: 10,
  consumerLookbackMinutes: 10,
  batchBudgetSeconds: 20,
  replayConcurrency: 4,
  maxReplayInvocations: 1_000,
};

/** Its steps, in the order the definition first uses them. */
const steps = [
  inspectDlqStep,
  planReplayStep,
  requestApprovalStep,
  changeGateStep,
  startMoveTaskStep,
  checkMoveTaskStep,
  replayBatchStep,
  escalateStep,
  reportReplayStep,
  releaseLeaseStep,
] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

/** Puts dead-lettered messages back once their consumer is healthy, without losing or flooding. */
export const dlqReplay = defineRunbook({
  id: 'dlq-replay',
  title: 'SQS DLQ replay',
  description:
    'Messages piled up in a dead-letter queue. Inspects the DLQ, its source queue and consumer; refuses ' +
    'while the consumer still fails; plans the replay (native move task, or controlled batches that ' +
    'quarantine poison messages, pace the consumer and keep FIFO ids), asks for approval where policy ' +
    'requires it, replays without losing a message, stops if replayed messages come back, and reports.',
  trigger: {
    description:
      'CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible > 0 of a dead-letter queue (QueueName dimension), a person (`queue=<DLQ>`, optionally `rate=<messages a second>` for a fixed rate), or an execution started with { dlq, source?, maxMessages?, ratePerSecond?, dryRun? }',
    metrics: [{ namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible' }],
  },
  targets: ['queue'],
  locks: ['target'],
  parameters: {
    rate: {
      description:
        'a fixed rate, messages a second (1 to 500): SQS’s move task at that rate, instead of following the consumer',
      kind: 'replay-rate',
    },
  },
  inputSchema: dlqReplayInputSchema,
  approval: guardrails.approval,
  approverTiers: [
    { group: 'on-call', timeoutSeconds: 30 * 60 },
    { group: 'incident-leads', timeoutSeconds: 30 * 60 },
  ],
  guardrails,
  timeoutSeconds: 6 * 3600,
  cooldownSeconds: 15 * 60,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () => (await import('../../gameday/scenarios/dlq-replay/game-days.js')).dlqReplayScenarios,
});
