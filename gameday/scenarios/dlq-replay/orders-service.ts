import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { StartRequest } from '../../../handlers/dispatcher/start-request.js';
import { originalIdOf } from '../../../handlers/dlq-replay/replay-attributes.js';
import type { ReplayOutcome, ReplayReport } from '../../../handlers/dlq-replay/report-replay.js';
import type { Environment } from '../../../handlers/lib/step-deps.js';
import type { ConsumerCounts } from '../../account/sqs/capacity-consumer.js';
import type { SqsFaults } from '../../account/sqs/simulated-sqs.js';
import { runbookOutcomeOf, type Scenario } from '../../scenario.js';
import { createOrdersQueues } from './orders-queues.js';

/** What a DLQ game day ends with, compared field by field with the expectation. */
export interface QueueOutcome {
  readonly runbookOutcome: ReplayOutcome | 'not-started' | 'execution-failed';
  readonly replayed: number;
  readonly quarantined: number;
  readonly leftInDlq: number;
  /** Messages of the incident found in no queue and never consumed: must be 0. */
  readonly lost: number;
  /**
   * With a consumer of limited capacity: the adaptive replay's highest and last rate, and the
   * consumer's errors during the run.
   * @default not judged
   */
  readonly pace?: string;
}

/** The orders queues, and what the game day tracks of them. */
export interface OrdersWorld {
  readonly dlqUrl: string;
  readonly sourceUrl: string;
  readonly quarantineUrl: string;
  /** Ids of the orders that failed in the incident. */
  readonly incident: string[];
  /** Original ids of the orders the consumer handled. */
  readonly consumed: Set<string>;
  consumerWorks: boolean;
  /** A capacity consumer's counts (zero for the minute consumer). */
  consumer: ConsumerCounts;
  /** Its errors when the fix was deployed: those after it are the replay's doing. */
  errorsAtFix: number;
}

/** How an adaptive replay paced itself, and what the consumer suffered, in words a game day expects. */
function paceOf(report: ReplayReport | null, consumer: ConsumerCounts, errorsAtFix: number): string {
  const rates = (report?.rateLog ?? []).map((entry) => entry.rate);
  return `peak ${Math.max(0, ...rates)}/s, last ${rates.at(-1) ?? 0}/s, ${consumer.errors - errorsAtFix} consumer errors`;
}

/** The orders queues at the end of a game day. */
export interface OrdersFinalState {
  /** Every queue's final visible and in-flight counts. */
  readonly queues: { readonly name: string; readonly visible: number; readonly inFlight: number }[];
  /** The SQS calls made, by operation. */
  readonly sqsCalls: Record<string, number>;
}

/** What sets one DLQ game day apart from the others. */
export interface OrdersIncident {
  readonly id: string;
  readonly description: string;
  readonly environment?: Environment;
  readonly fifo?: boolean;
  /** Orders that failed and went to the DLQ. Default: 1,000. */
  readonly messages?: number;
  /** Share of them that are poison: not even JSON. Default: none. */
  readonly poisonShare?: number;
  /** Whether the consumer is fixed at minute 12. Default: yes. */
  readonly consumerFixed?: boolean;
  /** Faults of the SQS API during the replay. */
  readonly faults?: SqsFaults;
  /**
   * A person starts the replay (`queue=orders-dlq rate=<n>`) at minute 23, once the fixed consumer
   * has run clean for ten minutes, before the DLQ alarm would.
   * @default the DLQ alarm starts it
   */
  readonly fixedRate?: number;
  /**
   * A consumer served at its capacity, messages a second by the orders it handled since the fix,
   * instead of 6,000 a minute; above it, it queues or fails (see CapacityConsumer).
   * @default 6,000 a minute
   */
  readonly capacity?: {
    readonly perSecond: (handled: number) => number;
    readonly aboveCapacity: 'queue' | 'fail';
  };
  readonly expected: QueueOutcome;
}

/** The consumer's timeout; the orders queue's visibility timeout is 6 times that, as AWS advises. */
const consumerTimeoutSeconds = 30;
/** When the fix is deployed (and new orders start arriving): after every incident message reached the DLQ. */
const fixAtMinute = 12;
/** The DLQ alarm wants 15 minutes of backlog, so a draining queue does not page. */
const dlqAlarmMinutes = 15;
/** Message groups of the FIFO scenario's orders (customers), so every order dead-letters at once. */
const fifoGroups = 200;

const orderBody = (n: number) => JSON.stringify({ type: 'order-placed', orderId: n, amount: (n % 97) + 1 });

/**
 * A DLQ game day on an orders queue: the consumer fails every order, so they dead-letter; at
 * minute 12 new orders start arriving and the consumer is fixed (or not); the DLQ alarm starts the
 * replay through the dispatcher, and every incident message is accounted for at the end: in a
 * queue or consumed, never lost.
 */
export function ordersGameDay(
  incident: OrdersIncident,
): Scenario<OrdersWorld, QueueOutcome, OrdersFinalState> {
  const fifo = incident.fifo ?? false;
  const suffix = fifo ? '.fifo' : '';
  const messages = incident.messages ?? 1_000;
  const poisonShare = incident.poisonShare ?? 0;
  return {
    id: incident.id,
    runbook: 'dlq-replay',
    description: incident.description,
    environment: incident.environment ?? 'dev',
    warmUpMinutes: 0,
    detectionMinutes: fixAtMinute + 60,
    // The consumer works off what the replay put back.
    aftermathMinutes: 10,
    expected: incident.expected,
    ...(incident.fixedRate
      ? {
          startRequestAtMinute: 23,
          startRequest: (): StartRequest => ({
            startRequest: {
              runbook: 'dlq-replay',
              target: `sqs:orders-dlq${suffix}`,
              parameters: { rate: String(incident.fixedRate) },
              requestedBy: 'slack:U01ONCALL',
            },
          }),
        }
      : {}),
    setup(account) {
      const queues = createOrdersQueues(account, { fifo, visibilityTimeout: 6 * consumerTimeoutSeconds });
      account.lambda.createFunction('orders-consumer', consumerTimeoutSeconds);
      account.lambda.mapEventSource(queues.sourceArn, 'orders-consumer');
      const world: OrdersWorld = {
        ...queues,
        incident: [],
        consumed: new Set(),
        consumerWorks: false,
        consumer: { processed: 0, errors: 0 },
        errorsAtFix: 0,
      };
      const handles = (message: {
        messageId: string;
        body: string;
        attributes: Record<string, MessageAttributeValue>;
      }) => {
        try {
          JSON.parse(message.body);
        } catch {
          return false;
        }
        if (!world.consumerWorks) return false;
        world.consumed.add(originalIdOf(message.attributes, message.messageId));
        return true;
      };
      const capacity = incident.capacity;
      if (capacity) {
        world.consumer = account.sqs.attachCapacityConsumer(queues.sourceUrl, {
          functionName: 'orders-consumer',
          // Before the fix it fails every message as it arrives.
          capacityPerSecond: () => (world.consumerWorks ? capacity.perSecond(world.consumer.processed) : 100),
          aboveCapacity: capacity.aboveCapacity,
          handles,
        });
      } else
        account.sqs.attachConsumer(queues.sourceUrl, {
          functionName: 'orders-consumer',
          perMinute: 6_000,
          handles,
          onMinute: (invocations, errors, at, throttles) =>
            account.lambda.invocations.recordInvocations(
              'orders-consumer',
              invocations,
              errors,
              at,
              throttles,
            ),
        });
      account.cloudwatch.putMetricAlarm({
        AlarmName: 'orders-dlq-not-empty',
        AlarmDescription: 'Orders are piling up in the dead-letter queue',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: `orders-dlq${suffix}` }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: dlqAlarmMinutes,
        DatapointsToAlarm: dlqAlarmMinutes,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        Tags: [{ Key: 'runbook', Value: 'dlq-replay' }],
      });
      return world;
    },
    inject(account, world) {
      for (let i = 0; i < messages; i += 1) {
        const poison = poisonShare > 0 && i % Math.round(1 / poisonShare) === 0;
        const { MessageId } = account.sqs.sendMessage({
          QueueUrl: world.sourceUrl,
          MessageBody: poison ? `order ${i} {truncated` : orderBody(i),
          MessageAttributes: { source: { DataType: 'String', StringValue: 'checkout' } },
          ...(fifo
            ? { MessageGroupId: `customer-${i % fifoGroups}`, MessageDeduplicationId: `order-${i}` }
            : {}),
        });
        world.incident.push(MessageId);
      }
      return `orders-consumer fails every message; ${messages} orders sent to orders${suffix}`;
    },
    during(account, world, minute) {
      if (minute !== fixAtMinute) return undefined;
      // New orders keep coming: they show whether the consumer works again.
      account.sqs.addProducer(world.sourceUrl, 20, (n) => orderBody(100_000 + n));
      if (!(incident.consumerFixed ?? true)) return undefined;
      world.consumerWorks = true;
      world.errorsAtFix = world.consumer.errors;
      return 'a fixed orders-consumer is deployed';
    },
    whileRunning(account) {
      if (!incident.faults) return undefined;
      account.sqs.injectFaults(incident.faults, 7);
      return `SQS API faults from now on: ${JSON.stringify(incident.faults)}`;
    },
    afterRunning(account) {
      account.sqs.injectFaults({});
    },
    outcome(account, world, facts) {
      const originalIdsIn = (url: string) =>
        account.sqs.contents(url).map((m) => originalIdOf(m.attributes, m.messageId));
      const found = new Set([
        ...originalIdsIn(world.sourceUrl),
        ...originalIdsIn(world.dlqUrl),
        ...originalIdsIn(world.quarantineUrl),
        ...world.consumed,
      ]);
      const inDlq = new Set(originalIdsIn(world.dlqUrl));
      const report = facts.report as ReplayReport | null;
      return {
        runbookOutcome: runbookOutcomeOf(facts, (r) => (r as ReplayReport).outcome),
        replayed: report?.replayed ?? 0,
        quarantined: report?.quarantined ?? 0,
        leftInDlq: world.incident.filter((id) => inDlq.has(id)).length,
        lost: world.incident.filter((id) => !found.has(id)).length,
        ...(incident.capacity ? { pace: paceOf(report, world.consumer, world.errorsAtFix) } : {}),
      };
    },
    finalState(account, world) {
      const ours = [world.dlqUrl, world.sourceUrl, world.quarantineUrl].map((url) => url.split('/').pop());
      return {
        // The orders queues (the platform's own queues are in the account too).
        queues: account.sqs
          .summary()
          .filter(({ name }) => ours.includes(name))
          .map(({ name, visible, inFlight }) => ({ name, visible, inFlight })),
        sqsCalls: Object.fromEntries(account.sqs.calls),
      };
    },
    summary: (a) =>
      `${a.runbookOutcome} · ${a.replayed} replayed · ${a.quarantined} quarantined · ` +
      `${a.leftInDlq} left in the DLQ · ${a.lost} lost${a.pace ? ` · ${a.pace}` : ''}`,
  };
}
