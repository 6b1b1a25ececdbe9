import { runbooks } from './catalogue.js';
import { findRunbook, type Runbook, type RunbookDefinition, UnknownRunbookError } from './index.js';
import { loadDefinition } from './runbook.js';

/** Runbooks with their state machines loaded (their `definition.ts`), in the order given. */
export function loadDefinitions(list: readonly Runbook[]): Promise<RunbookDefinition[]> {
  return Promise.all(list.map(loadDefinition));
}

/**
 * Every catalogued runbook with its state machine, in catalogue order. Importing this loads each
 * runbook's `definition.ts`, and with it the CDK's Step Functions constructs.
 */
export const definitions: readonly RunbookDefinition[] = await loadDefinitions(runbooks);

const byId: ReadonlyMap<string, RunbookDefinition> = new Map(definitions.map((d) => [d.id, d]));

/** The definition of a catalogued runbook, given it or its id. */
export function definitionOf(runbook: Runbook | string): RunbookDefinition {
  const { id } = typeof runbook === 'string' ? findRunbook(runbook) : runbook;
  const definition = byId.get(id);
  if (!definition) throw new UnknownRunbookError(`runbook ${id} has no definition`, id, [...byId.keys()]);
  return definition;
}
