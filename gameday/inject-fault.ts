import type { SimulatedAccount } from './account/simulated-account.js';
import { applyFault } from './faults/apply-fault.js';
import type { Scenario } from './scenario.js';

/**
 * Injects a game day's fault into a simulated account: a closed-loop fault through the same AWS
 * API calls the sandbox driver makes (FIS, Lambda), anything else as the scenario does it. Returns
 * what was done, for the timeline. `sleep` lets the account live on while a step waits.
 */
export async function injectFault<World>(
  scenario: Scenario<World, object, object>,
  account: SimulatedAccount,
  world: World,
  sleep: (ms: number) => Promise<void>,
): Promise<string> {
  if (scenario.fault) {
    // The fault stays for the whole game day: the runbook is what takes its effect away.
    return applyFault(scenario.id, scenario.fault, { clients: account.clients(), sleep }, () => undefined);
  }
  if (!scenario.inject) throw new Error(`game day ${scenario.id} has neither a fault nor an inject step`);
  return scenario.inject(account, world);
}
