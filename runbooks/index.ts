import { api5xxSpike } from './api-5xx-spike.js';
import { dlqReplay } from './dlq-replay.js';
import type { Runbook } from './runbook.js';

/** The runbook catalogue: every runbook the platform deploys, by id. */
export const runbooks: readonly Runbook[] = [api5xxSpike, dlqReplay];

/** Looks a runbook up by id; the error lists the ids that exist. */
export function findRunbook(id: string): Runbook {
  const runbook = runbooks.find((r) => r.id === id);
  if (!runbook) {
    throw new UnknownRunbookError(
      `unknown runbook "${id}"; known runbooks: ${runbooks.map((r) => r.id).join(', ')}`,
    );
  }
  return runbook;
}

export class UnknownRunbookError extends Error {
  override readonly name = 'UnknownRunbookError';
}

export type { Runbook, RunbookFunctions, RunbookTrigger } from './runbook.js';
