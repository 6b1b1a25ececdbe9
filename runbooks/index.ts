import { type RunbookId, runbooks } from './catalogue.js';
import type { Runbook } from './runbook.js';
import { UnknownRunbookError, unknownRunbook } from './unknown-runbook-error.js';

export { type RunbookId, runbooks, UnknownRunbookError };

/** Runbooks by id: ids come from people and events, so they are looked up as own keys only. */
const byId: ReadonlyMap<string, Runbook> = new Map(runbooks.map((runbook) => [runbook.id, runbook]));

/** Looks a runbook up by id; the error lists the ids that exist. */
export function findRunbook(id: string): Runbook {
  const runbook = byId.get(id);
  if (!runbook)
    throw unknownRunbook(
      id,
      runbooks.map((r) => r.id),
    );
  return runbook;
}

export { defineRunbook, InvalidRunbookError } from './define-runbook.js';
export type {
  AnyStep,
  ApproverTier,
  Runbook,
  RunbookDefinition,
  RunbookFunctions,
  RunbookModule,
  RunbookTrigger,
} from './runbook.js';
