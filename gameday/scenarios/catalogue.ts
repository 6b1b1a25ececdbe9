import { UnknownNameError } from '../../handlers/lib/errors.js';
import { runbooks } from '../../runbooks/catalogue.js';
import type { Scenario } from '../scenario.js';

/**
 * Every game day, in the order `npm start` runs them: each catalogued runbook's own (`gameDays`),
 * in catalogue order.
 */
export const scenarios: readonly Scenario[] = (
  await Promise.all(runbooks.map((runbook) => runbook.gameDays()))
).flat();

const byId: ReadonlyMap<string, Scenario> = new Map(scenarios.map((s) => [s.id, s]));

export class UnknownScenarioError extends UnknownNameError {
  override readonly name = 'UnknownScenarioError';
}

/** Looks a game day up by id; the error lists every scenario that exists. */
export function findScenario(id: string): Scenario {
  const scenario = byId.get(id);
  if (!scenario) {
    const known = scenarios.map((s) => s.id);
    throw new UnknownScenarioError(
      `unknown scenario "${id}"; known scenarios: ${known.join(', ')}`,
      id,
      known,
    );
  }
  return scenario;
}
