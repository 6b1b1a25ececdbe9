import * as z from 'zod/mini';
import { approvalModes } from '../../handlers/lib/approval-mode.js';
import { environments } from '../../handlers/lib/step-deps.js';

/**
 * SQS's bounds on a queue's visibility timeout (0 to 43,200 seconds) and on a redrive policy's
 * maxReceiveCount (1 to 1,000): SQS API reference, SetQueueAttributes.
 */
export const sqsBounds = { maxVisibilitySeconds: 43_200, maxReceiveCount: 1_000 } as const;

/** Bounds on every change, declared in the runbook and carried in its definition. */
export const queueGuardrailsSchema = z.object({
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
  /**
   * AWS's guidance for a queue Lambda consumes: a visibility timeout of at least six times the
   * function's timeout plus the event source's batching window (Lambda developer guide, "Using
   * Lambda with Amazon SQS"), so a batch retried after throttling is not received twice.
   */
  visibilityFactor: z.int().check(z.positive()),
  /** AWS's guidance: maxReceiveCount at least 5, so throttled receives do not dead-letter messages. */
  minimumMaxReceiveCount: z.int().check(z.gte(1), z.lte(sqsBounds.maxReceiveCount)),
});
export type QueueGuardrails = z.infer<typeof queueGuardrailsSchema>;

/** A queue's redrive policy, as GetQueueAttributes returns it (a JSON string in `RedrivePolicy`). */
export const redrivePolicySchema = z.object({
  deadLetterTargetArn: z.string().check(z.minLength(1)),
  maxReceiveCount: z.pipe(
    z.union([z.int(), z.string().check(z.regex(/^\d+$/))]),
    z.transform((v) => Number(v)),
  ),
});

/** The attributes this runbook reads and sets, exactly as SQS holds them (strings). */
export interface QueueSettings {
  readonly VisibilityTimeout: string;
  /** Absent when the queue has no dead-letter queue. */
  readonly RedrivePolicy?: string;
}

/** A Lambda function that consumes the queue through an enabled event source mapping. */
export interface Consumer {
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly batchingWindowSeconds: number;
  readonly mappingUuid: string;
}

/** What the inspection found. */
export interface QueueEvidence {
  readonly queue: { readonly name: string; readonly url: string; readonly arn: string };
  readonly settings: QueueSettings;
  readonly consumers: readonly Consumer[];
  readonly inspectedAt: string;
}

/** The decision: change the settings, nothing to change, or a human must look. */
export type QueueDecision =
  | {
      readonly action: 'change';
      readonly reason: string;
      readonly approval: 'auto' | 'human';
      readonly summary: string;
      readonly from: QueueSettings;
      readonly to: QueueSettings;
    }
  | { readonly action: 'none'; readonly reason: string }
  | { readonly action: 'escalate'; readonly reason: string };
