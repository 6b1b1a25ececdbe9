import { SimulatedAccount } from '../gameday/account/simulated-account.js';
import { createOrdersQueues } from '../gameday/scenarios/dlq-replay/orders-queues.js';
import { noReplayProgress } from '../handlers/dlq-replay/contract.js';
import {
  type ReplayBatchInput,
  type ReplayBatchResult,
  replayBatch,
} from '../handlers/dlq-replay/replay-batch.js';
import type { StepDeps } from '../handlers/lib/step-deps.js';
import { dlqReplay } from '../runbooks/dlq-replay/runbook.js';

/** Each SQS call the benchmarks make takes this long. */
const callLatencyMs = 10;
export const { guardrails } = dlqReplay;

export const sqsCalls = (account: SimulatedAccount) =>
  [...account.sqs.calls.values()].reduce((a, b) => a + b, 0);

/** The consumer the benchmarks attach to the source queue, as the adaptive replay watches it. */
export const consumer = { functionName: 'orders-consumer', concurrencyLimit: null } as const;

/**
 * A DLQ of `count` orders on an account whose SQS answers after 10 ms (of the timers' time: real,
 * or virtual under `onVirtualTime`). The replay's token bucket and budget run on that clock too,
 * as in Lambda.
 */
export function world(count: number) {
  const account = new SimulatedAccount({ start: new Date() });
  const queues = createOrdersQueues(account);
  // The queue's consumer, whose AWS/Lambda metrics the adaptive replay reads.
  account.lambda.createFunction(consumer.functionName, 30);
  for (let i = 0; i < count; i += 1) {
    account.sqs.sendMessage({
      QueueUrl: queues.dlqUrl,
      MessageBody: JSON.stringify({ type: 'order-placed', orderId: i }),
      MessageAttributes: { tenant: { DataType: 'String', StringValue: `t${i % 5}` } },
    });
  }
  account.sqs.calls.clear();
  account.sqs.wallLatencyMs = callLatencyMs;
  const deps = {
    clients: account.clients(),
    now: () => new Date(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    remainingTimeMs: () => 900_000,
    audit: { record: () => undefined },
  } as Pick<
    StepDeps<'sqs' | 'cloudwatch'>,
    'clients' | 'now' | 'sleep' | 'remainingTimeMs' | 'audit'
  > as StepDeps<'sqs' | 'cloudwatch'>;
  const lost = () =>
    count - account.sqs.contents(queues.sourceUrl).length - account.sqs.contents(queues.dlqUrl).length;
  return { account, deps, lost, ...queues };
}

export type ReplayWorld = ReturnType<typeof world>;

/** The replay step's input as the definition builds it for a DLQ of `count` messages, in dev. */
export function replayInput(
  w: ReplayWorld,
  count: number,
  pacing: Pick<ReplayBatchInput, 'ratePerSecond' | 'control'>,
): ReplayBatchInput {
  return {
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:bench',
    dlqUrl: w.dlqUrl,
    sourceUrl: w.sourceUrl,
    quarantineUrl: w.quarantineUrl,
    quarantineAtStart: 0,
    dlqInFlightAtStart: 0,
    fifo: false,
    ...pacing,
    maxMessages: count,
    maxReplays: guardrails.maxReplays,
    quarantineSignatures: [],
    dlqAtStart: count,
    stopRatio: guardrails.stopRatio,
    stopAfterLandedBack: guardrails.stopAfterLandedBack,
    budgetSeconds: guardrails.batchBudgetSeconds,
    concurrency: guardrails.replayConcurrency,
    progress: noReplayProgress,
  };
}

/** The replay step invoked until it is done or stopped, as the definition's loop invokes it. */
export async function replayUntilDone(w: ReplayWorld, input: ReplayBatchInput): Promise<ReplayBatchResult> {
  let progress: ReplayBatchResult = { ...noReplayProgress, done: false, stopped: false, reason: '' };
  for (let done = false; !done; ) {
    progress = await replayBatch({ ...input, progress }, w.deps);
    done = progress.done || progress.stopped;
  }
  return progress;
}
