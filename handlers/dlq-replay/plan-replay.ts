import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import type { StepCore } from '../lib/step-deps.js';
import type { WatchedConsumer } from './consumer-signals.js';
import { replayGuardrailsSchema } from './contract.js';
import { unparseableSignature } from './failure-signature.js';
import type { DlqEvidence } from './inspect-dlq.js';

const inputSchema = z.object({
  evidence: z.custom<DlqEvidence>(
    (v) => typeof v === 'object' && v !== null && 'dlq' in v,
    'is not DLQ evidence',
  ),
  guardrails: replayGuardrailsSchema,
});

export type PlanReplayInput = z.input<typeof inputSchema>;

export interface Finding {
  readonly problem: string;
  readonly fix?: string;
}

/** How the controlled path follows the consumer (see rate-controller.ts). */
export interface AdaptiveControl {
  readonly startPerSecond: number;
  readonly floorPerSecond: number;
  readonly increasePerSecond: number;
  readonly decreaseFactor: number;
  readonly intervalSeconds: number;
  readonly pauseLimitSeconds: number;
  /** How long a ceiling holds without trouble before the replay probes past it. */
  readonly ceilingHoldSeconds: number;
  /** The source's consumer, whose own metrics it follows too; null: none found. */
  readonly consumer: WatchedConsumer | null;
}

/**
 * Adaptive pacing up to `cap`: start at `start` (the runbook's default rate), add a tenth of the
 * cap every second the consumer keeps up, halve at the first sign it does not, never under a
 * hundredth of the cap, and stop (to escalate) after two minutes of trouble even there. After
 * trouble, climb back to four fifths of the rate that had it, and probe past that only after two
 * minutes without more. Where the source has a consumer, its errors and throttles rising cut the rate
 * too, and its running at its concurrency limit holds it.
 */
export function adaptiveControl(
  cap: number,
  start: number,
  consumer: WatchedConsumer | null,
): AdaptiveControl {
  const share = (fraction: number) => Math.max(1, Math.round(cap * fraction));
  return {
    startPerSecond: Math.min(cap, start),
    floorPerSecond: share(0.01),
    increasePerSecond: share(0.1),
    decreaseFactor: 0.5,
    intervalSeconds: 1,
    pauseLimitSeconds: 120,
    ceilingHoldSeconds: 120,
    consumer,
  };
}

export interface ReplayPlan {
  readonly action: 'replay' | 'refuse' | 'dry-run';
  /**
   * `move-task`: SQS's own StartMessageMoveTask, at the fixed rate a person asked for;
   * `controlled`: batches with filtering and pacing, adaptive unless a fixed rate was asked.
   */
  readonly path: 'move-task' | 'controlled';
  /** The adaptive pacing of the controlled path; null: a fixed rate. */
  readonly control: AdaptiveControl | null;
  readonly reason: string;
  readonly summary: string;
  readonly messages: number;
  readonly poisonEstimate: number;
  readonly ratePerSecond: number;
  readonly estimatedSeconds: number;
  readonly maxMessages: number;
  readonly quarantineSignatures: string[];
  readonly findings: Finding[];
  readonly approval: 'auto' | 'human';
}

/**
 * Decides whether and how to replay a DLQ: refuses while the consumer still fails or poison has no
 * quarantine queue; reports a source visibility timeout below AWS's guidance with the command that
 * fixes it; picks SQS's native move task when nothing needs filtering, pacing below its rate or
 * FIFO handling, else the controlled path. Pure: it only reads the evidence.
 */
export const planReplay: StepCore<PlanReplayInput, ReplayPlan> = async (rawInput, deps) => {
  const { evidence, guardrails } = parseInput(inputSchema, rawInput, 'plan-replay');
  const approval = guardrails.approval[deps.environment];
  const messages = evidence.dlq.visible + evidence.dlq.inFlight;
  const quarantineSignatures = [...new Set([unparseableSignature, ...evidence.request.quarantineSignatures])];
  const poisonSampled = evidence.sample.signatures
    .filter((s) => quarantineSignatures.includes(s.signature))
    .reduce((n, s) => n + s.count, 0);
  const poisonEstimate = evidence.sample.size
    ? Math.round((poisonSampled / evidence.sample.size) * messages)
    : 0;
  // A rate a person asked for is kept; otherwise the replay follows the consumer up to the guardrail.
  const ratePerSecond = Math.min(
    evidence.request.ratePerSecond ?? guardrails.maxRatePerSecond[deps.environment],
    guardrails.maxRatePerSecond[deps.environment],
  );
  // (A fixed rate is at most SQS's move task limit: the request's schema holds it there.)
  const maxMessages = Math.min(
    evidence.request.maxMessages ?? guardrails.maxMessagesPerRun,
    guardrails.maxMessagesPerRun,
  );
  const findings: Finding[] = [];
  const refusals: string[] = [];

  const { consumer, consumerHealth } = evidence.source;
  if (consumerHealth && consumerHealth.errorRate > guardrails.maxConsumerErrorRate) {
    refusals.push(
      `the consumer ${consumer?.functionName} still fails (${consumerHealth.errors} errors in ${consumerHealth.invocations} recent invocations)`,
    );
  }
  if (
    consumer &&
    evidence.source.visibilityTimeout < guardrails.visibilityTimeoutFactor * consumer.timeoutSeconds
  ) {
    // The queue-visibility runbook derives the value from every consumer and puts it back if it fails.
    findings.push({
      problem: `${evidence.source.name}'s visibility timeout (${evidence.source.visibilityTimeout} s) is below ${guardrails.visibilityTimeoutFactor} × ${consumer.functionName}'s timeout (${consumer.timeoutSeconds} s): messages may be processed twice`,
      fix: `runbook start queue-visibility queue=${evidence.source.name} (in Slack: /runbook start queue-visibility queue=${evidence.source.name})`,
    });
  }
  if (!evidence.quarantine && poisonSampled > 0) {
    const name = `${evidence.dlq.name.replace(/\.fifo$/, '')}-quarantine${evidence.dlq.fifo ? '.fifo' : ''}`;
    refusals.push(`poison messages were sampled but there is no quarantine queue ${name}`);
    findings.push({
      problem: `no quarantine queue ${name}`,
      fix: `aws sqs create-queue --queue-name ${name}`,
    });
  }
  if (messages === 0) refusals.push(`${evidence.dlq.name} is empty`);

  const controlled =
    evidence.dlq.fifo ||
    poisonSampled > 0 ||
    evidence.request.quarantineSignatures.length > 0 ||
    maxMessages < messages;
  // SQS's move task keeps the rate it was given, blind to the consumer: only when a person asked for a fixed rate.
  const fixedRate = evidence.request.ratePerSecond !== undefined;
  const path = controlled || !fixedRate ? 'controlled' : 'move-task';
  const control =
    path === 'controlled' && !fixedRate
      ? adaptiveControl(
          ratePerSecond,
          guardrails.defaultRatePerSecond,
          consumer
            ? { functionName: consumer.functionName, concurrencyLimit: consumer.concurrencyLimit }
            : null,
        )
      : null;
  const toMove = Math.min(messages, maxMessages);
  const estimatedSeconds = Math.ceil(toMove / ratePerSecond);
  const action = refusals.length ? 'refuse' : evidence.request.dryRun ? 'dry-run' : 'replay';
  const reason = refusals.length
    ? refusals.join('; ')
    : `${evidence.dlq.name} holds ${messages} messages and the consumer is healthy`;
  const summary =
    action === 'refuse'
      ? `Not replaying ${evidence.dlq.name}: ${reason}`
      : `Replay ${toMove} of ${messages} messages from ${evidence.dlq.name} to ${evidence.source.name} ${
          control
            ? `as fast as the consumer keeps up, from ${control.startPerSecond}/s up to ${ratePerSecond}/s (at least ${estimatedSeconds} s, controlled batches)`
            : `at ${ratePerSecond}/s (about ${estimatedSeconds} s, ${path === 'move-task' ? 'SQS move task' : 'controlled batches'})`
        }, ~${poisonEstimate} to quarantine`;
  return {
    action,
    path,
    control,
    reason,
    summary,
    messages,
    poisonEstimate,
    ratePerSecond,
    estimatedSeconds,
    maxMessages,
    quarantineSignatures,
    findings,
    approval,
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'plan-replay',
  module: import.meta.url,
  clients: {},
  core: planReplay,
  permissions: [],
});

export const handler = step.handler;
