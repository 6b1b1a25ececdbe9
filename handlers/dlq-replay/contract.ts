import * as z from 'zod';
import { alarmStateChangeEventSchema } from '../lib/alarm-event.js';
import { approvalModes } from '../lib/approval-mode.js';
import { environments } from '../lib/step-deps.js';

/** SQS's highest move task rate, which the controlled path never exceeds either. */
export const maxReplayRatePerSecond = 500;

/** A manual start: the DLQ by name or URL, and the operator's limits. */
export const manualReplayRequestSchema = z.object({
  dlq: z.string().min(1),
  source: z.string().min(1).optional(),
  quarantine: z.string().min(1).optional(),
  maxMessages: z.number().int().positive().optional(),
  ratePerSecond: z.number().positive().max(maxReplayRatePerSecond).optional(),
  dryRun: z.boolean().optional(),
  /** Failure signatures (as the inspection reports them) to quarantine instead of replaying. */
  quarantineSignatures: z.array(z.string()).optional(),
});

export type ManualReplayRequest = z.infer<typeof manualReplayRequestSchema>;

/** What starts a replay: an alarm on the DLQ's depth, or a person with a request. */
export const dlqReplayInputSchema = z.union([
  alarmStateChangeEventSchema.loose(),
  manualReplayRequestSchema.loose(),
]);

/** Bounds on every replay, declared in the runbook and carried in its definition. */
export const replayGuardrailsSchema = z.object({
  /** Approval per environment. */
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
  /** The most messages one run moves out of a DLQ. */
  maxMessagesPerRun: z.number().int().positive(),
  /** Replay rate when the request names none (messages per second into the source queue). */
  defaultRatePerSecond: z.number().positive().max(maxReplayRatePerSecond),
  /** The highest replay rate per environment, whatever the request asks (messages per second). */
  maxRatePerSecond: z.record(z.enum(environments), z.number().positive().max(maxReplayRatePerSecond)),
  /** A consumer erring on more than this share of its recent invocations is still broken. */
  maxConsumerErrorRate: z.number().min(0).max(1),
  /** AWS's guidance: the source queue's visibility timeout at least this many times the function's timeout. */
  visibilityTimeoutFactor: z.number().positive(),
  /** A message replayed this many times already goes to quarantine. */
  maxReplays: z.number().int().positive(),
  /** Stop when this share of the replayed messages come back to the DLQ… */
  stopRatio: z.number().min(0).max(1),
  /** …once at least this many did. */
  stopAfterLandedBack: z.number().int().positive(),
});

export type ReplayGuardrails = z.infer<typeof replayGuardrailsSchema>;
