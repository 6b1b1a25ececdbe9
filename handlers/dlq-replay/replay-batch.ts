import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt, positiveInt, share } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { AdaptivePacing } from './adaptive-pacing.js';
import { withBackoff } from './backoff.js';
import { judge, lastMinutes } from './consumer-signals.js';
import { type BatchMove, moveBatch } from './move-batch.js';
import { batchLimits } from './replay-entries.js';
import { TokenBucket } from './token-bucket.js';

/** Time an invocation keeps for itself after its loop: the last batch's calls and the answer. */
const marginMs = 5_000;
/** How often a worker with nothing visible looks again while messages are still in flight. */
const inFlightPollMs = 5_000;
/** What one worker moves a second, about: a receive, a send and a delete of ten, each ~30 ms. */
const perWorkerPerSecond = 100;
/** Batches in flight at once, at most: well within the SDK's 50 sockets per client. */
const maxWorkers = 32;

const progressSchema = z.object({
  replayed: nonNegativeInt(),
  quarantined: nonNegativeInt(),
  landedBack: nonNegativeInt(),
  failedEntries: nonNegativeInt(),
  /** Messages this run hid in the DLQ (they came back, or the quarantine refused them too). */
  hidden: nonNegativeInt(),
  retries: nonNegativeInt(),
  invocations: nonNegativeInt(),
  /** The adaptive replay's rate when the last invocation ended (messages a second). */
  rate: z.optional(z.number().check(z.positive())),
  /** How often the adaptive replay cut its rate so far. */
  rateCuts: z.optional(nonNegativeInt()),
  /** Since when the adaptive replay sends nothing: the consumer fell behind even at the floor. */
  pausedSince: z.optional(z.nullable(z.string())),
  /** The source's backlog at the last reading, and its latest growths with what was sent meanwhile. */
  readings: z.optional(
    z.object({
      backlog: nonNegativeInt(),
      growths: z.array(z.int()),
      sents: z.array(nonNegativeInt()),
      /** Whether the rate was cut at that reading. */
      cut: z.optional(z.boolean()),
    }),
  ),
  /** The rate the adaptive replay climbs back to after trouble, and since when. */
  ceiling: z.optional(z.nullable(z.object({ rate: z.number().check(z.positive()), since: z.string() }))),
  /** The minute the consumer's metrics were last read at, and whether it ran at its limit. */
  consumer: z.optional(z.object({ minute: z.string(), atLimit: z.nullable(z.string()) })),
  /** Each change of the adaptive rate, and why (the latest 50). */
  rateLog: z.optional(z.array(z.object({ at: z.string(), rate: z.number(), reason: z.string() }))),
});

/** Adaptive pacing (see rate-controller.ts): without it the rate stays `ratePerSecond`. */
const controlSchema = z.object({
  startPerSecond: z.number().check(z.positive()),
  floorPerSecond: z.number().check(z.positive()),
  increasePerSecond: z.number().check(z.positive()),
  decreaseFactor: z.number().check(z.positive(), z.lt(1)),
  intervalSeconds: z.number().check(z.positive()),
  /** A pause longer than this stops the run, which escalates. */
  pauseLimitSeconds: z.number().check(z.positive()),
  /** A ceiling after trouble holds this long without more before the rate probes past it. */
  ceilingHoldSeconds: z.number().check(z.positive()),
  /** The source's consumer, whose AWS/Lambda metrics the pacing reads too; null: none found. */
  consumer: z.optional(
    z.nullable(z.object({ functionName: nonEmptyString(), concurrencyLimit: z.nullable(positiveInt()) })),
  ),
});

const inputSchema = z.object({
  executionId: nonEmptyString(),
  dlqUrl: z.url(),
  sourceUrl: z.url(),
  quarantineUrl: z.url(),
  fifo: z.boolean(),
  /** The rate, or with `control` the most the adaptive rate may reach (the guardrail). */
  ratePerSecond: z.number().check(z.positive()),
  control: z.optional(z.nullable(controlSchema)),
  /** The most messages this run moves out of the DLQ (replayed plus quarantined). */
  maxMessages: positiveInt(),
  /** A message replayed this many times already is quarantined instead. */
  maxReplays: positiveInt(),
  /** Failure signatures the plan quarantines. */
  quarantineSignatures: z.array(z.string()),
  /** Messages in the DLQ when the run began: more than that minus what left means messages came back. */
  dlqAtStart: nonNegativeInt(),
  /** Of those, in flight (another consumer's, or hidden by an earlier run). */
  dlqInFlightAtStart: nonNegativeInt(),
  /** Messages in the quarantine queue when the run began: it grows only by this run's. */
  quarantineAtStart: nonNegativeInt(),
  /** Stop once this share of the replayed messages came back (after `stopAfterLandedBack` of them). */
  stopRatio: share(),
  stopAfterLandedBack: positiveInt(),
  /** Batches moved in parallel: each waits on SQS most of its time. */
  concurrency: z.int().check(z.gte(1), z.lte(10)),
  /** The longest one invocation works; Step Functions loops over invocations. */
  budgetSeconds: z.number().check(z.positive()),
  progress: progressSchema,
});

export type ReplayBatchInput = z.input<typeof inputSchema>;
export type ReplayProgress = z.infer<typeof progressSchema>;

export interface ReplayBatchResult extends ReplayProgress {
  /** The DLQ showed no more messages to move, or the run's maximum was reached. */
  readonly done: boolean;
  /** Too many replayed messages came back: the consumer still fails. */
  readonly stopped: boolean;
  readonly reason: string;
}

/**
 * Moves messages out of a dead-letter queue for up to `budgetSeconds`: receives batches of 10,
 * sends each message back to its source queue (or to the quarantine queue when it can never
 * succeed), and deletes from the DLQ only the entries SQS confirmed sending. Sends are paced by a
 * token bucket at `ratePerSecond`; throttling and server errors back off with full jitter; entries
 * that failed on their own are made visible again for a later batch. A message that comes back to
 * the DLQ during the run is counted and left there; too many of them stop the run. A retried
 * invocation only moves what is still in the DLQ; a crash between send and delete can send a
 * message twice, which its original-id attribute (and, on FIFO queues, its deduplication id) lets
 * consumers drop.
 */
export const replayBatch: StepCore<ReplayBatchInput, ReplayBatchResult, 'sqs' | 'cloudwatch'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'replay-batch');
  const progress: ReplayProgress = { ...input.progress, invocations: input.progress.invocations + 1 };
  const started = deps.now().getTime();
  const deadline = started + Math.min(input.budgetSeconds * 1000, deps.remainingTimeMs() - marginMs);
  const control = input.control ? { capPerSecond: input.ratePerSecond, ...input.control } : undefined;
  const rate = control
    ? Math.min(control.capPerSecond, progress.rate ?? control.startPerSecond)
    : input.ratePerSecond;
  if (control && progress.rate === undefined)
    progress.rateLog = [
      { at: deps.now().toISOString(), rate, reason: "the runbook's default rate to start" },
    ];
  progress.rate = rate;
  // One batch of burst: the consumer never sees more than the rate in any second.
  const bucket = new TokenBucket(rate, batchLimits.entries, deps.now, deps.sleep);
  const call = async <T>(fn: () => Promise<T>) => {
    const { value, retries } = await withBackoff(fn, {
      baseMs: 100,
      capMs: 10_000,
      maxAttempts: 8,
      sleep: deps.sleep,
    });
    progress.retries += retries;
    return value;
  };
  const result = async (done: boolean, stopped: boolean, reason: string): Promise<ReplayBatchResult> => {
    // Messages sent back to their queue and messages quarantined are changes of two kinds.
    const record = async (kind: 'replay' | 'quarantine', count: 'replayed' | 'quarantined') => {
      if (progress[count] <= input.progress[count]) return;
      await deps.audit.record({
        at: deps.now().toISOString(),
        executionId: input.executionId,
        runbook: 'dlq-replay',
        step: 'replay-batch',
        kind,
        action: kind === 'replay' ? 'replay-messages' : 'quarantine-messages',
        target: input.dlqUrl,
        before: { [count]: input.progress[count] },
        after: { [count]: progress[count], retries: progress.retries },
      });
    };
    await record('replay', 'replayed');
    await record('quarantine', 'quarantined');
    return { ...progress, done, stopped, reason };
  };

  type End = { readonly done: boolean; readonly stopped: boolean; readonly reason: string };
  const tooMany = (cameBack: number) =>
    cameBack >= input.stopAfterLandedBack && cameBack > input.stopRatio * progress.replayed;

  const depthOf = async (queueUrl: string) => {
    const { Attributes = {} } = await call(() =>
      deps.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      ),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };

  // Replayed messages that fail again join the DLQ's end; its depth shows them before any receive does.
  const atStart = await depthOf(input.dlqUrl);
  // Counts follow what SQS holds, not only what the last finished invocation said: one that crashed
  // after moving messages left no progress behind. The quarantine grows only by this run; what left
  // the DLQ and is not quarantined was replayed (less any replayed message that came back unseen).
  const quarantine = await depthOf(input.quarantineUrl);
  progress.quarantined = Math.max(
    progress.quarantined,
    quarantine.visible + quarantine.inFlight - input.quarantineAtStart,
  );
  progress.replayed = Math.max(
    progress.replayed,
    input.dlqAtStart - atStart.visible - atStart.inFlight - progress.quarantined + progress.landedBack,
  );
  const cameBack =
    atStart.visible + atStart.inFlight - (input.dlqAtStart - progress.replayed - progress.quarantined);
  if (tooMany(cameBack)) {
    return result(
      false,
      true,
      `about ${cameBack} of ${progress.replayed} replayed messages came back to the DLQ`,
    );
  }

  // A worker's batch takes three round trips to SQS (about 100 messages a second each): the
  // adaptive path fans out to what its cap needs, up to 32; a fixed rate keeps the definition's count.
  const workers = control
    ? Math.min(maxWorkers, Math.max(input.concurrency, Math.ceil(control.capPerSecond / perWorkerPerSecond)))
    : input.concurrency;
  const watched = control?.consumer ?? undefined;
  const pacing = control
    ? new AdaptivePacing(
        {
          control,
          burst: workers * batchLimits.entries,
          bucket,
          now: deps.now,
          sleep: deps.sleep,
          backlog: async () => {
            const source = await depthOf(input.sourceUrl);
            return source.visible + source.inFlight;
          },
          consumer: watched
            ? async (minute) => {
                const { before, last } = await call(() =>
                  lastMinutes(deps.clients.cloudwatch, watched, minute),
                );
                return judge(watched, before, last);
              }
            : undefined,
        },
        progress,
      )
    : undefined;

  const move: BatchMove = {
    run: input,
    sqs: deps.clients.sqs,
    call,
    paceSource: (count) => bucket.take(count),
    now: deps.now,
    counts: progress,
  };
  // Messages received by a worker and not yet counted: the cap holds with workers in parallel.
  let reserved = 0;
  let end: End | undefined;

  /**
   * Moves batches until the run should end, the time is up, or nothing is left for this worker to
   * claim; says whether it stopped because the DLQ showed it nothing.
   */
  const worker = async (): Promise<boolean> => {
    while (!end && deps.now().getTime() < deadline) {
      await pacing?.adapt();
      if (pacing?.paused) {
        const stop = await pacing.whilePaused();
        if (stop) {
          end = { done: false, stopped: true, reason: stop };
          break;
        }
        continue;
      }
      if (tooMany(progress.landedBack)) {
        end = {
          done: false,
          stopped: true,
          reason: `${progress.landedBack} of ${progress.replayed} replayed messages came back to the DLQ`,
        };
        break;
      }
      const room = input.maxMessages - progress.replayed - progress.quarantined - reserved;
      // The rest of the run's allowance is claimed by other workers: this one is done.
      if (room <= 0) break;
      const claim = Math.min(batchLimits.entries, room);
      reserved += claim;
      try {
        if (!(await moveBatch(move, claim))) return true;
      } finally {
        reserved -= claim;
      }
    }
    return false;
  };
  const moved = () => progress.replayed + progress.quarantined + progress.failedEntries;
  while (!end && deps.now().getTime() < deadline) {
    const before = moved();
    const drained = await Promise.all(Array.from({ length: workers }, worker));
    if (!drained.includes(true)) break;
    // One worker found nothing while others still held messages; entries they could not send are
    // visible again now. Done once the DLQ shows nothing visible with every worker stopped, or
    // what it shows cannot be received (a FIFO group held by a message this run hid).
    const { visible, inFlight } = await depthOf(input.dlqUrl);
    // More in flight than this run hid and found in flight: an invocation that crashed before
    // deleting them received them. They are visible again once their visibility timeout ends (and
    // on FIFO queues hold their groups until then): the replay is not done until they are moved.
    const heldByCrash = inFlight > progress.hidden + input.dlqInFlightAtStart;
    if (visible === 0 && !heldByCrash) {
      end = { done: true, stopped: false, reason: 'the DLQ has no more visible messages' };
    } else if (moved() === before) {
      if (heldByCrash) await deps.sleep(inFlightPollMs);
      else
        end = {
          done: true,
          stopped: false,
          reason: `visible messages that cannot be received now: ${visible}`,
        };
    }
  }
  if (!end && progress.replayed + progress.quarantined >= input.maxMessages) {
    end = {
      done: true,
      stopped: false,
      reason: `moved the most messages one run may (${input.maxMessages})`,
    };
  }
  return end
    ? result(end.done, end.stopped, end.reason)
    : result(false, false, 'the invocation used its time budget');
};

// Stryker disable all: a step's clients and permissions are checked by the IAM tests (each
// permission removed in turn fails a game day), which mutation runs leave out.
/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'replay-batch',
  module: import.meta.url,
  clients: { sqs: SQSClient, cloudwatch: CloudWatchClient },
  core: replayBatch,
  audits: DynamoDBClient,
  permissions: [
    {
      actions: [
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
      ],
      on: 'replay-queues',
    },
    // The adaptive pacing reads the consumer's errors, throttles and concurrency.
    { actions: ['cloudwatch:GetMetricData'], on: 'any' },
  ],
});
// Stryker restore all

export const handler = step.handler;
