import { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { createOrdersQueues } from '../../gameday/scenarios/dlq-replay/orders-queues.js';
import { noReplayProgress } from '../../handlers/dlq-replay/contract.js';
import { originalIdOf, withReplayMarks } from '../../handlers/dlq-replay/replay-attributes.js';
import type { ReplayBatchInput } from '../../handlers/dlq-replay/replay-batch.js';
import type { AuditRecord } from '../../handlers/lib/audit-trail.js';
import type { StepDeps } from '../../handlers/lib/step-deps.js';

/** An account with the orders queues, and replay-batch deps and input bound to them. */
export function dlqAccount(options: { fifo?: boolean } = {}) {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  const { dlqUrl, sourceUrl, quarantineUrl } = createOrdersQueues(account, options);
  const audit: AuditRecord[] = [];
  const deps: StepDeps = {
    clients: account.clients(),
    now: () => account.clock.now(),
    sleep: async (ms: number) => account.advance(ms / 1000),
    remainingTimeMs: () => 30_000,
    audit: {
      record: (entry) => {
        audit.push(entry);
      },
    },
    environment: 'dev',
    topics: { escalation: 'unused', approvals: 'unused' },
    leaseTable: 'unused',
    idempotencyTable: 'unused',
    approvalTable: 'unused',
  };
  const input = (overrides: Partial<ReplayBatchInput> = {}): ReplayBatchInput => ({
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:test',
    dlqUrl,
    sourceUrl,
    quarantineUrl,
    fifo: options.fifo ?? false,
    ratePerSecond: 500,
    maxMessages: 100_000,
    maxReplays: 3,
    quarantineSignatures: [],
    dlqAtStart: 0,
    quarantineAtStart: 0,
    dlqInFlightAtStart: 0,
    stopRatio: 0.1,
    stopAfterLandedBack: 10,
    budgetSeconds: 20,
    concurrency: 1,
    progress: noReplayProgress,
    ...overrides,
  });
  /** Puts `count` messages in the DLQ, JSON orders unless `body` says otherwise. */
  const fill = (count: number, body = (i: number) => JSON.stringify({ orderId: i })) => {
    for (let i = 0; i < count; i += 1) account.sqs.sendMessage({ QueueUrl: dlqUrl, MessageBody: body(i) });
  };
  /** Messages a run replayed that failed again: back in the DLQ with the run's marks. */
  const cameBack = (count: number, execution: string, group?: string) => {
    for (let i = 0; i < count; i += 1) {
      account.sqs.sendMessage({
        QueueUrl: dlqUrl,
        MessageBody: JSON.stringify({ orderId: `back-${i}` }),
        MessageAttributes: withReplayMarks({}, { originalId: `back-${i}`, replayCount: 1, execution }),
        ...(group ? { MessageGroupId: group, MessageDeduplicationId: `back-${i}` } : {}),
      });
    }
  };
  /** The original ids of every message in the three queues, in flight or not. */
  const originalIds = (url: string) =>
    account.sqs.contents(url).map((m) => originalIdOf(m.attributes, m.messageId));
  return { account, deps, audit, dlqUrl, sourceUrl, quarantineUrl, input, originalIds, fill, cameBack };
}
