import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import {
  type RunFacts,
  runbookOutcomeOf,
  type Scenario,
  type ScriptedApproval,
} from '../../gameday/scenario.js';
import type { Environment } from '../../handlers/lib/step-deps.js';
import type { QueueReport } from './steps/report-queue-settings.js';

/** The orders queue, its dead-letter queue, and who consumes it. */
interface QueueWorld {
  readonly url: string;
  readonly dlqArn: string;
}

/** What a queue-visibility game day ends with, compared field by field with the expectation. */
export interface QueueVisibilityOutcome {
  readonly runbookOutcome: QueueReport['outcome'] | 'not-started' | 'execution-failed';
  readonly visibilityTimeout: number;
  readonly maxReceiveCount: number;
  /** Whether the redrive policy still names the same dead-letter queue. */
  readonly deadLetterQueue: 'kept' | 'changed';
  /** Changes the audit trail recorded. */
  readonly changes: number;
}

/** The queue's settings at the end, for `runbook simulate --json`. */
export interface QueueVisibilityFinalState {
  readonly visibilityTimeout: number;
  readonly redrivePolicy: unknown;
}

interface Consumer {
  readonly name: string;
  readonly timeoutSeconds: number;
  readonly batchingWindowSeconds?: number;
}

interface QueueIncident {
  readonly id: string;
  readonly description: string;
  readonly environment?: Environment;
  readonly approval?: ScriptedApproval;
  readonly visibilityTimeout: number;
  readonly maxReceiveCount: number;
  readonly consumers: readonly Consumer[];
  /** A team's change before anyone starts the runbook: a consumer's timeout raised. */
  readonly raised?: { readonly name: string; readonly timeoutSeconds: number };
  readonly expected: QueueVisibilityOutcome;
}

function settingsOf(account: SimulatedAccount, url: string) {
  const { Attributes = {} } = account.sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] });
  const redrive = JSON.parse(Attributes.RedrivePolicy ?? '{}') as {
    deadLetterTargetArn?: string;
    maxReceiveCount?: number;
  };
  return { visibilityTimeout: Number(Attributes.VisibilityTimeout), redrive };
}

/**
 * A game day on the orders queue (the names README's scoped configuration grants): set up with a
 * visibility timeout and maxReceiveCount, consumed by Lambda functions; a person starts the
 * runbook on the queue, as the DLQ replay's finding offers.
 */
function queueGameDay(incident: QueueIncident): Scenario<QueueWorld, QueueVisibilityOutcome> {
  return {
    id: incident.id,
    runbook: 'queue-visibility',
    description: incident.description,
    environment: incident.environment ?? 'dev',
    ...(incident.approval ? { approval: incident.approval } : {}),
    warmUpMinutes: 5,
    expected: incident.expected,
    setup(account) {
      const dlqUrl = account.sqs.createQueue({ QueueName: 'orders-dlq' }).QueueUrl;
      const dlqArn = account.sqs.arnOf(dlqUrl);
      const url = account.sqs.createQueue({
        QueueName: 'orders',
        Attributes: {
          VisibilityTimeout: String(incident.visibilityTimeout),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: incident.maxReceiveCount,
          }),
        },
      }).QueueUrl;
      for (const consumer of incident.consumers) {
        account.lambda.createFunction(consumer.name, consumer.timeoutSeconds);
        account.lambda.mapEventSource(account.sqs.arnOf(url), consumer.name, {
          maximumBatchingWindowInSeconds: consumer.batchingWindowSeconds ?? 0,
        });
      }
      account.sqs.calls.clear();
      return { url, dlqArn };
    },
    inject(account) {
      const { raised } = incident;
      if (raised) account.lambda.setTimeout(raised.name, raised.timeoutSeconds);
      return `orders: visibility timeout ${incident.visibilityTimeout} s, maxReceiveCount ${incident.maxReceiveCount}${
        raised ? `; ${raised.name}'s timeout raised to ${raised.timeoutSeconds} s` : ''
      }`;
    },
    startRequest: () => ({
      startRequest: { runbook: 'queue-visibility', target: 'sqs:orders', requestedBy: 'U01ONCALL' },
    }),
    outcome(account, world, facts: RunFacts) {
      const { visibilityTimeout, redrive } = settingsOf(account, world.url);
      return {
        runbookOutcome: runbookOutcomeOf(facts, (r) => (r as QueueReport).outcome),
        visibilityTimeout,
        maxReceiveCount: Number(redrive.maxReceiveCount),
        deadLetterQueue: redrive.deadLetterTargetArn === world.dlqArn ? 'kept' : 'changed',
        changes: facts.changes.filter((c) => c.runbook === 'queue-visibility').length,
      };
    },
    finalState(account, world) {
      const { visibilityTimeout, redrive } = settingsOf(account, world.url);
      return { visibilityTimeout, redrivePolicy: redrive };
    },
    summary: (actual) =>
      `${actual.runbookOutcome}: visibility timeout ${actual.visibilityTimeout} s, maxReceiveCount ${actual.maxReceiveCount}, ${actual.changes} change(s)`,
  };
}

/** The queue-visibility runbook's game days. */
export const queueVisibilityGameDays = [
  queueGameDay({
    id: 'queue-visibility-too-low',
    description:
      'orders is read by a 30 s consumer with a 10 s batching window but keeps messages invisible for 30 s and dead-letters after 3 receives: raised to 190 s and 5',
    visibilityTimeout: 30,
    maxReceiveCount: 3,
    consumers: [{ name: 'orders-consumer', timeoutSeconds: 30, batchingWindowSeconds: 10 }],
    expected: {
      runbookOutcome: 'changed',
      visibilityTimeout: 190,
      maxReceiveCount: 5,
      deadLetterQueue: 'kept',
      changes: 1,
    },
  }),
  queueGameDay({
    id: 'queue-visibility-already-fine',
    description:
      'orders already keeps messages for 6 × its consumer timeout and redrives after 5: nothing changes',
    visibilityTimeout: 180,
    maxReceiveCount: 5,
    consumers: [{ name: 'orders-consumer', timeoutSeconds: 30 }],
    expected: {
      runbookOutcome: 'unchanged',
      visibilityTimeout: 180,
      maxReceiveCount: 5,
      deadLetterQueue: 'kept',
      changes: 0,
    },
  }),
  queueGameDay({
    id: 'queue-visibility-largest-consumer',
    description:
      "two functions read orders; a team raised orders-auditor's timeout to 90 s after the queue was set for 30 s: the new value follows the largest consumer (540 s)",
    visibilityTimeout: 180,
    maxReceiveCount: 5,
    consumers: [
      { name: 'orders-consumer', timeoutSeconds: 30 },
      { name: 'orders-auditor', timeoutSeconds: 20 },
    ],
    raised: { name: 'orders-auditor', timeoutSeconds: 90 },
    expected: {
      runbookOutcome: 'changed',
      visibilityTimeout: 540,
      maxReceiveCount: 5,
      deadLetterQueue: 'kept',
      changes: 1,
    },
  }),
  queueGameDay({
    id: 'queue-visibility-prod-declined',
    description:
      'in production the on-call engineer declines the change: orders keeps its settings and the run escalates',
    environment: 'prod',
    approval: 'reject',
    visibilityTimeout: 30,
    maxReceiveCount: 3,
    consumers: [{ name: 'orders-consumer', timeoutSeconds: 30 }],
    expected: {
      runbookOutcome: 'escalated',
      visibilityTimeout: 30,
      maxReceiveCount: 3,
      deadLetterQueue: 'kept',
      changes: 0,
    },
  }),
] satisfies readonly Scenario<QueueWorld, QueueVisibilityOutcome>[];
