import { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import type { ScenarioWorld } from '../../gameday/scenario.js';
import { checkoutService, scenarioStart } from '../../gameday/scenarios/checkout-service.js';
import type { AuditRecord } from '../../handlers/lib/audit-trail.js';
import type { StepDeps } from '../../handlers/lib/step-deps.js';

/** A fresh checkout account (API → checkout-api:live on version 5) and step deps bound to it. */
export function checkoutAccount(environment: StepDeps['environment'] = 'dev') {
  const account = new SimulatedAccount({ start: scenarioStart });
  const world: ScenarioWorld = checkoutService(account);
  const audit: AuditRecord[] = [];
  const deps: StepDeps = {
    clients: account.clients(),
    now: () => account.clock.now(),
    audit: { record: (entry) => audit.push(entry) },
    environment,
    topics: world.topics,
  };
  return { account, world, audit, deps };
}
