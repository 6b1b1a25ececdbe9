import type { Scenario } from '../scenario.js';
import { api5xxSpikeScenarios } from './api-5xx-spike-scenarios.js';

/** Every game-day scenario, in the order `npm start` runs them. */
export const scenarios: readonly Scenario[] = [...api5xxSpikeScenarios];

export class UnknownScenarioError extends Error {
  override readonly name = 'UnknownScenarioError';
}

/** Looks a scenario up by id; the error lists the ids that exist. */
export function findScenario(id: string): Scenario {
  const scenario = scenarios.find((s) => s.id === id);
  if (!scenario) {
    throw new UnknownScenarioError(
      `unknown scenario "${id}"; known scenarios: ${scenarios.map((s) => s.id).join(', ')}`,
    );
  }
  return scenario;
}
