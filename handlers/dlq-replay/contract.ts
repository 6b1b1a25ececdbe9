import * as z from 'zod/mini';
import { alarmStateChangeEventSchema } from '../lib/alarm-event.js';
import { approvalModes } from '../lib/approval-mode.js';
import { manualStartSchema } from '../lib/manual-start-input.js';
import { nonEmptyString, positiveInt, share } from '../lib/schemas.js';
import { environments } from '../lib/step-deps.js';

/** SQS's highest move task rate: the most a fixed rate may be. */
export const maxReplayRatePerSecond = 500;

/**
 * The highest guardrail the adaptive path accepts: it fans out to more workers for it (one per
 * 100 messages a second of cap) and slows down for the consumer whatever the cap.
 */
export const maxAdaptiveRatePerSecond = 3_000;

/** A replay's counts before its first invocation. */
export const noReplayProgress = {
  replayed: 0,
  quarantined: 0,
  landedBack: 0,
  failedEntries: 0,
  hidden: 0,
  retries: 0,
  invocations: 0,
} as const;

/** A manual start: the DLQ by name or URL, and the operator's limits. */
export const manualReplayRequestSchema = z.object({
  dlq: nonEmptyString(),
  source: z.optional(nonEmptyString()),
  quarantine: z.optional(nonEmptyString()),
  maxMessages: z.optional(positiveInt()),
  ratePerSecond: z.optional(z.number().check(z.positive(), z.lte(maxReplayRatePerSecond))),
  dryRun: z.optional(z.boolean()),
  /** Failure signatures (as the inspection reports them) to quarantine instead of replaying. */
  quarantineSignatures: z.optional(z.array(z.string())),
});

export type ManualReplayRequest = z.infer<typeof manualReplayRequestSchema>;

/** What starts a replay: an alarm on the DLQ's depth, a person through the dispatcher, or a request. */
export const dlqReplayInputSchema = z.union([
  z.looseObject(alarmStateChangeEventSchema.shape),
  manualStartSchema,
  z.looseObject(manualReplayRequestSchema.shape),
]);

/** Bounds on every replay, declared in the runbook and carried in its definition. */
export const replayGuardrailsSchema = z.object({
  /** Approval per environment. */
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
  /** The most messages one run moves out of a DLQ. */
  maxMessagesPerRun: positiveInt(),
  /** Where the adaptive replay starts when the request names no rate (messages per second into the source queue). */
  defaultRatePerSecond: z.number().check(z.positive(), z.lte(maxReplayRatePerSecond)),
  /**
   * The highest replay rate per environment, whatever the request asks (messages per second): the
   * adaptive path's cap; a fixed rate asked for stays at or under SQS's move task limit.
   */
  maxRatePerSecond: z.record(
    z.enum(environments),
    z.number().check(z.positive(), z.lte(maxAdaptiveRatePerSecond)),
  ),
  /** A consumer erring on more than this share of its recent invocations is still broken. */
  maxConsumerErrorRate: share(),
  /** AWS's guidance: the source queue's visibility timeout at least this many times the function's timeout. */
  visibilityTimeoutFactor: z.number().check(z.positive()),
  /** A message replayed this many times already goes to quarantine. */
  maxReplays: positiveInt(),
  /** Stop when this share of the replayed messages come back to the DLQ… */
  stopRatio: share(),
  /** …once at least this many did. */
  stopAfterLandedBack: positiveInt(),
});

export type ReplayGuardrails = z.infer<typeof replayGuardrailsSchema>;
