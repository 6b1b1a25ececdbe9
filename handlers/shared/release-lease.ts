import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { logger } from '../lib/observability.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { TargetLeases } from '../lib/target-lease.js';

const dispatchSchema = z.object({
  runbook: nonEmptyString(),
  target: nonEmptyString(),
  /** Every key the run locked, the target's first (runs started before locks had more keys have none). */
  locks: z.optional(z.array(nonEmptyString())),
  cooldownSeconds: nonNegativeInt(),
});

const executionInput = z.looseObject({ dispatch: z.optional(dispatchSchema) });

const inputSchema = z.union([
  /** From a runbook's last state. */
  z.object({ executionName: nonEmptyString(), executionInput }),
  /** From the EventBridge rule on executions that failed, timed out or were aborted. */
  z.object({
    'detail-type': z.literal('Step Functions Execution Status Change'),
    detail: z.looseObject({ name: nonEmptyString(), status: z.string(), input: z.string() }),
  }),
]);

export type ReleaseLeaseInput = z.input<typeof inputSchema>;

export interface LeaseReleased {
  readonly released: boolean;
  readonly target: string | null;
}

/**
 * Releases the target lease an execution holds and starts its cool-down. Runs as every runbook's
 * last state and, for executions that fail, time out or are aborted, from the status-change rule,
 * so a lease never outlives its run. Executions started by hand without a lease change nothing.
 */
export const releaseLease: StepCore<ReleaseLeaseInput, LeaseReleased, 'dynamodb'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'release-lease');
  const [name, started] =
    'detail' in input
      ? [input.detail.name, executionInput.safeParse(JSON.parse(input.detail.input)).data]
      : [input.executionName, input.executionInput];
  const dispatch = started?.dispatch;
  if (!dispatch) return { released: false, target: null };
  const leases = new TargetLeases(deps.clients.dynamodb, deps.leaseTable);
  const released = await leases.releaseAll(
    dispatch.locks ?? [dispatch.target],
    name,
    dispatch.runbook,
    dispatch.cooldownSeconds,
    deps.now(),
  );
  logger.info(`lease on ${dispatch.target} ${released ? 'released' : 'was already released'}`, {
    executionName: name,
  });
  return { released, target: dispatch.target };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'release-lease',
  module: import.meta.url,
  clients: { dynamodb: DynamoDBClient },
  core: releaseLease,
  permissions: [{ actions: ['dynamodb:UpdateItem'], on: 'lease-table' }],
});

export const handler = step.handler;
