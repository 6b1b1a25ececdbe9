import { api5xxSpikeDefinition } from './api-5xx-spike/definition.js';
import { dlqReplayDefinition } from './dlq-replay/definition.js';
import { findRunbook, type Runbook, type RunbookDefinition, UnknownRunbookError } from './index.js';
import { lambdaThrottlingDefinition } from './lambda-throttling/definition.js';
import { runtimeUpgradeDefinition } from './runtime-upgrade/definition.js';
import { secretRotationDefinition } from './secret-rotation/definition.js';

/** Every runbook with its state machine, in catalogue order (this loads the CDK's Step Functions constructs). */
export const definitions: readonly RunbookDefinition[] = [
  api5xxSpikeDefinition,
  dlqReplayDefinition,
  lambdaThrottlingDefinition,
  secretRotationDefinition,
  runtimeUpgradeDefinition,
];

const byId: ReadonlyMap<string, RunbookDefinition> = new Map(definitions.map((d) => [d.id, d]));

/** The definition of a catalogued runbook, given it or its id. */
export function definitionOf(runbook: Runbook | string): RunbookDefinition {
  const { id } = typeof runbook === 'string' ? findRunbook(runbook) : runbook;
  const definition = byId.get(id);
  if (!definition) throw new UnknownRunbookError(`runbook ${id} has no definition`);
  return definition;
}
