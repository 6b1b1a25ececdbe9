import { unmarshall } from '@aws-sdk/util-dynamodb';
import { logger } from '../handlers/lib/observability.js';
import { replayAttributes } from '../handlers/lib/replay-attributes.js';
import type { ReplayReport } from '../handlers/report-replay.js';
import { SimulatedAccount } from './account/simulated-account.js';
import type { QueueOutcome, QueueScenario } from './queue-scenario.js';
import { scriptedApprover, type TimelineEntry, type TimelineKind, timelineFor } from './run-scenario.js';
import { mismatchesOf } from './scenario.js';
import { scenarioStart } from './scenarios/checkout-service.js';
import { createOrdersQueues } from './scenarios/orders-queues.js';
import { SimulatedPlatform } from './simulated-platform.js';

export interface QueueScenarioResult {
  readonly scenario: string;
  readonly runbook: string;
  readonly description: string;
  readonly outcome: 'passed' | 'failed';
  readonly expected: QueueOutcome;
  readonly actual: QueueOutcome;
  readonly mismatches: (keyof QueueOutcome)[];
  readonly timeline: TimelineEntry[];
  readonly finalState: {
    /** Every queue's final visible and in-flight counts. */
    readonly queues: { readonly name: string; readonly visible: number; readonly inFlight: number }[];
    readonly executions: { readonly name: string; readonly status: string }[];
    readonly sqsCalls: Record<string, number>;
    readonly leases: Record<string, unknown>[];
  };
  readonly report: ReplayReport | null;
  readonly runbookSeconds: number;
  readonly wallMs: number;
}

/** The consumer's timeout; the orders queue's visibility timeout is 6 times that, as AWS advises. */
const consumerTimeoutSeconds = 30;
/** When the fix is deployed (and new orders start arriving): after every incident message reached the DLQ. */
const fixAtMinute = 12;
/** The DLQ alarm wants 15 minutes of backlog, so a draining queue does not page. */
const dlqAlarmMinutes = 15;
const deadlineMinutes = 60;
/** Message groups of the FIFO scenario's orders (customers), so every order dead-letters at once. */
const fifoGroups = 200;

const orderBody = (n: number) => JSON.stringify({ type: 'order-placed', orderId: n, amount: (n % 97) + 1 });

/**
 * Runs a DLQ game day: orders fail in their consumer and dead-letter, the consumer is fixed (or
 * not), the DLQ alarm starts the replay through the dispatcher, the runbook runs on the simulated
 * account, and every incident message is accounted for: in a queue or consumed, never lost.
 */
export async function runQueueScenario(scenario: QueueScenario): Promise<QueueScenarioResult> {
  const wallStart = performance.now();
  logger.setLogLevel('SILENT');
  const account = new SimulatedAccount({ start: scenarioStart });
  const fifo = scenario.fifo ? '.fifo' : '';
  const { dlqUrl, sourceUrl, sourceArn, quarantineUrl } = createOrdersQueues(account, {
    fifo: scenario.fifo,
    visibilityTimeout: 6 * consumerTimeoutSeconds,
  });
  account.lambda.createFunction('orders-consumer', consumerTimeoutSeconds);
  account.lambda.mapEventSource(sourceArn, 'orders-consumer');
  let consumerWorks = false;
  const consumed = new Set<string>();
  account.sqs.attachConsumer(sourceUrl, {
    functionName: 'orders-consumer',
    perMinute: 6_000,
    handles: (message) => {
      try {
        JSON.parse(message.body);
      } catch {
        return false;
      }
      if (!consumerWorks) return false;
      consumed.add(message.attributes[replayAttributes.originalId]?.StringValue ?? message.messageId);
      return true;
    },
    onMinute: (invocations, errors, at) =>
      account.lambda.recordInvocations('orders-consumer', invocations, errors, at),
  });
  account.cloudwatch.putMetricAlarm({
    AlarmName: 'orders-dlq-not-empty',
    AlarmDescription: 'Orders are piling up in the dead-letter queue',
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: `orders-dlq${fifo}` }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: dlqAlarmMinutes,
    DatapointsToAlarm: dlqAlarmMinutes,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Tags: [{ Key: 'runbook', Value: 'dlq-replay' }],
  });

  const timeline: TimelineEntry[] = [];
  const faultAt = account.clock.now().getTime();
  const add = (kind: TimelineKind, text: string, at: Date = account.clock.now()) =>
    timeline.push({
      at: at.toISOString(),
      offsetSeconds: Math.round((at.getTime() - faultAt) / 1000),
      kind,
      text,
    });
  let firstStart: number | undefined;
  let lastEnd: number | undefined;
  const platform = new SimulatedPlatform(account, scenario.environment, scriptedApprover('approve'), {
    onDispatch: (_event, outcome) => {
      add(
        'dispatch',
        outcome.action === 'start' ? `started ${outcome.executionName}` : `ignored: ${outcome.reason}`,
      );
      if (outcome.action === 'start') firstStart ??= account.clock.now().getTime();
    },
    onStateEvent: (_execution, event) => timelineFor(event, add),
    onAudit: (entry) => add('change', `${entry.action} ${entry.target}: ${JSON.stringify(entry.after)}`),
    onFinished: (_execution, result) => {
      lastEnd = account.clock.now().getTime();
      if (result.status === 'FAILED') add('error', `execution failed: ${result.error}: ${result.cause}`);
    },
  });

  const incident: string[] = [];
  for (let i = 0; i < scenario.messages; i += 1) {
    const poison = scenario.poisonShare > 0 && i % Math.round(1 / scenario.poisonShare) === 0;
    const { MessageId } = account.sqs.sendMessage({
      QueueUrl: sourceUrl,
      MessageBody: poison ? `order ${i} {truncated` : orderBody(i),
      MessageAttributes: { source: { DataType: 'String', StringValue: 'checkout' } },
      ...(scenario.fifo
        ? { MessageGroupId: `customer-${i % fifoGroups}`, MessageDeduplicationId: `order-${i}` }
        : {}),
    });
    incident.push(MessageId);
  }
  add('fault', `orders-consumer fails every message; ${scenario.messages} orders sent to ${`orders${fifo}`}`);
  for (
    let minute = 1;
    minute <= fixAtMinute + deadlineMinutes && account.stepFunctions.all().length === 0;
    minute += 1
  ) {
    if (minute === fixAtMinute) {
      // New orders keep coming: they show whether the consumer works again.
      account.sqs.addProducer(sourceUrl, 20, (n) => orderBody(100_000 + n));
      if (scenario.consumerFixed) {
        consumerWorks = true;
        add('fault', 'a fixed orders-consumer is deployed');
      }
    }
    await platform.advance(60);
  }
  if (scenario.faults) {
    account.sqs.injectFaults(scenario.faults, 7);
    add('fault', `SQS API faults from now on: ${JSON.stringify(scenario.faults)}`);
  }
  await platform.settle();
  account.sqs.injectFaults({});
  // The consumer works off what the replay put back.
  await platform.advance(10 * 60);
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const originalIdsIn = (url: string) =>
    account.sqs
      .contents(url)
      .map((m) => m.attributes[replayAttributes.originalId]?.StringValue ?? m.messageId);
  const found = new Set([
    ...originalIdsIn(sourceUrl),
    ...originalIdsIn(dlqUrl),
    ...originalIdsIn(quarantineUrl),
    ...consumed,
  ]);
  const inDlq = new Set(originalIdsIn(dlqUrl));
  const [execution] = account.stepFunctions.all();
  const result = execution ? platform.results.get(execution.name) : undefined;
  const report = result?.status === 'SUCCEEDED' ? (result.output as ReplayReport) : null;
  const actual: QueueOutcome = {
    runbookOutcome: !execution ? 'not-started' : report ? report.outcome : 'execution-failed',
    replayed: report?.replayed ?? 0,
    quarantined: report?.quarantined ?? 0,
    leftInDlq: incident.filter((id) => inDlq.has(id)).length,
    lost: incident.filter((id) => !found.has(id)).length,
  };
  const mismatches = mismatchesOf(scenario.expected, actual);
  return {
    scenario: scenario.id,
    runbook: scenario.runbook,
    description: scenario.description,
    outcome: mismatches.length ? 'failed' : 'passed',
    expected: scenario.expected,
    actual,
    mismatches,
    timeline,
    finalState: {
      queues: account.sqs.summary().map(({ name, visible, inFlight }) => ({ name, visible, inFlight })),
      executions: account.stepFunctions.all().map((e) => ({ name: e.name, status: e.status })),
      sqsCalls: Object.fromEntries(account.sqs.calls),
      leases: account.dynamodb.scan(platform.leaseTable).map((item) => unmarshall(item)),
    },
    report,
    runbookSeconds:
      firstStart !== undefined && lastEnd !== undefined ? Math.round((lastEnd - firstStart) / 1000) : 0,
    wallMs: Math.round(performance.now() - wallStart),
  };
}
