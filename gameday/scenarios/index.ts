import { PlatformError } from '../../handlers/lib/errors.js';
import type { Scenario } from '../scenario.js';
import { api5xxSpikeScenarios } from './api-5xx-spike/index.js';
import { dlqReplayScenarios } from './dlq-replay/index.js';
import { lambdaThrottlingScenarios } from './lambda-throttling/index.js';
import { runtimeUpgradeScenarios } from './runtime-upgrade/index.js';
import { secretRotationScenarios } from './secret-rotation/index.js';

/** Every game day, in the order `npm start` runs them: each runbook's folder lists its own. */
export const scenarios: readonly Scenario[] = [
  ...api5xxSpikeScenarios,
  ...dlqReplayScenarios,
  ...lambdaThrottlingScenarios,
  ...secretRotationScenarios,
  ...runtimeUpgradeScenarios,
];

const byId: ReadonlyMap<string, Scenario> = new Map(scenarios.map((s) => [s.id, s]));

export class UnknownScenarioError extends PlatformError {
  override readonly name = 'UnknownScenarioError';
}

/** Looks a game day up by id; the error lists every scenario that exists. */
export function findScenario(id: string): Scenario {
  const scenario = byId.get(id);
  if (!scenario) {
    throw new UnknownScenarioError(
      `unknown scenario "${id}"; known scenarios: ${scenarios.map((s) => s.id).join(', ')}`,
    );
  }
  return scenario;
}
