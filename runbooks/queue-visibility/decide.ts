import type { Environment } from '../../handlers/lib/step-deps.js';
import {
  type Consumer,
  type QueueDecision,
  type QueueEvidence,
  type QueueGuardrails,
  type QueueSettings,
  redrivePolicySchema,
  sqsBounds,
} from './contract.js';

/** The visibility timeout one consumer needs: the factor times its timeout, plus its batching window. */
export function neededBy(consumer: Consumer, factor: number): number {
  return factor * consumer.timeoutSeconds + consumer.batchingWindowSeconds;
}

/**
 * What the queue's settings should be, from the largest need among its consumers: the visibility
 * timeout raised to at least that (never lowered: AWS's guidance is a floor), and the redrive
 * policy's maxReceiveCount raised to the minimum, its dead-letter queue kept. A queue without a
 * redrive policy gets none (there is no dead-letter queue to name); the report says so.
 */
export function decideQueueSettings(
  evidence: QueueEvidence,
  guardrails: QueueGuardrails,
  environment: Environment,
): QueueDecision {
  const { queue, settings, consumers } = evidence;
  if (consumers.length === 0) {
    return {
      action: 'none',
      reason: `no enabled Lambda event source mapping reads ${queue.name}; the guidance is for Lambda consumers`,
    };
  }
  const largest = consumers.reduce((a, b) =>
    neededBy(b, guardrails.visibilityFactor) > neededBy(a, guardrails.visibilityFactor) ? b : a,
  );
  const needed = neededBy(largest, guardrails.visibilityFactor);
  const why = `${largest.functionName} times out after ${largest.timeoutSeconds} s${
    largest.batchingWindowSeconds ? ` with a ${largest.batchingWindowSeconds} s batching window` : ''
  }`;
  if (needed > sqsBounds.maxVisibilitySeconds) {
    return {
      action: 'escalate',
      reason: `${why}: ${queue.name} would need a visibility timeout of ${needed} s, above SQS's ${sqsBounds.maxVisibilitySeconds} s; shorten the function's timeout`,
    };
  }
  const visibility = Number(settings.VisibilityTimeout);
  const changes: string[] = [];
  const to: { VisibilityTimeout: string; RedrivePolicy?: string } = { ...settings };
  if (visibility < needed) {
    to.VisibilityTimeout = String(needed);
    changes.push(`visibility timeout ${visibility} s → ${needed} s (${why})`);
  }
  if (settings.RedrivePolicy !== undefined) {
    const redrive = redrivePolicySchema.parse(JSON.parse(settings.RedrivePolicy));
    if (redrive.maxReceiveCount < guardrails.minimumMaxReceiveCount) {
      to.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: redrive.deadLetterTargetArn,
        maxReceiveCount: guardrails.minimumMaxReceiveCount,
      });
      changes.push(`maxReceiveCount ${redrive.maxReceiveCount} → ${guardrails.minimumMaxReceiveCount}`);
    }
  }
  if (changes.length === 0) {
    return {
      action: 'none',
      reason: `${queue.name} already fits its consumers: visibility timeout ${visibility} s, at least the ${needed} s ${largest.functionName} needs${
        settings.RedrivePolicy === undefined ? '; it has no dead-letter queue' : ''
      }`,
    };
  }
  const summary = `${queue.name}: ${changes.join('; ')}`;
  return {
    action: 'change',
    reason: `below AWS's guidance for a queue Lambda consumes: ${changes.join('; ')}`,
    approval: guardrails.approval[environment],
    summary,
    from: settings,
    to: to satisfies QueueSettings,
  };
}
