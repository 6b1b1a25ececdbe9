import { PlatformError } from '../handlers/lib/errors.js';
import { api5xxSpike } from './api-5xx-spike/runbook.js';
import { dlqReplay } from './dlq-replay/runbook.js';
import { lambdaThrottling } from './lambda-throttling/runbook.js';
import type { Runbook } from './runbook.js';
import { runtimeUpgrade } from './runtime-upgrade/runbook.js';
import { secretRotation } from './secret-rotation/runbook.js';

/** The runbook catalogue: every runbook the platform deploys, in the order people see them. */
export const runbooks: readonly Runbook[] = [
  api5xxSpike,
  dlqReplay,
  lambdaThrottling,
  secretRotation,
  runtimeUpgrade,
];

/** Runbooks by id: ids come from people and events, so they are looked up as own keys only. */
const byId: ReadonlyMap<string, Runbook> = new Map(runbooks.map((runbook) => [runbook.id, runbook]));

/** Looks a runbook up by id; the error lists the ids that exist. */
export function findRunbook(id: string): Runbook {
  const runbook = byId.get(id);
  if (!runbook) {
    throw new UnknownRunbookError(
      `unknown runbook "${id}"; known runbooks: ${runbooks.map((r) => r.id).join(', ')}`,
    );
  }
  return runbook;
}

export class UnknownRunbookError extends PlatformError {
  override readonly name = 'UnknownRunbookError';
}

export type {
  ApproverTier,
  Runbook,
  RunbookDefinition,
  RunbookFunctions,
  RunbookTrigger,
} from './runbook.js';
