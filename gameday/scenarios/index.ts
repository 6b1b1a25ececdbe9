import type { QueueScenario } from '../queue-scenario.js';
import { type QueueScenarioResult, runQueueScenario } from '../run-queue-scenario.js';
import { runScenario, type ScenarioResult } from '../run-scenario.js';
import type { Scenario } from '../scenario.js';
import { api5xxSpikeScenarios } from './api-5xx-spike-scenarios.js';
import { dlqReplayScenarios } from './dlq-replay-scenarios.js';

/** The alias game days (api-5xx-spike), in the order `npm start` runs them. */
export const scenarios: readonly Scenario[] = [...api5xxSpikeScenarios];

/** The queue game days (dlq-replay), run after the alias ones. */
export const queueScenarios: readonly QueueScenario[] = [...dlqReplayScenarios];

/** Every game day: id, runbook and what it plays. */
export const allScenarios: readonly Pick<Scenario, 'id' | 'runbook' | 'description'>[] = [
  ...scenarios,
  ...queueScenarios,
];

export class UnknownScenarioError extends Error {
  override readonly name = 'UnknownScenarioError';
}

function unknown(id: string): UnknownScenarioError {
  return new UnknownScenarioError(
    `unknown scenario "${id}"; known scenarios: ${allScenarios.map((s) => s.id).join(', ')}`,
  );
}

/** Looks an alias scenario up by id; the error lists every scenario that exists. */
export function findScenario(id: string): Scenario {
  const scenario = scenarios.find((s) => s.id === id);
  if (!scenario) throw unknown(id);
  return scenario;
}

/** Runs any game day by id. */
export function runScenarioById(id: string): Promise<ScenarioResult | QueueScenarioResult> {
  const queueScenario = queueScenarios.find((s) => s.id === id);
  return queueScenario ? runQueueScenario(queueScenario) : runScenario(findScenario(id));
}
