import { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { scenarioStart } from '../../gameday/scenario.js';
import {
  type CheckoutWorld,
  checkoutService,
} from '../../gameday/scenarios/api-5xx-spike/checkout-service.js';
import { SimulatedPlatform } from '../../gameday/simulated-platform.js';
import type { AuditRecord } from '../../handlers/lib/audit-trail.js';
import type { StepDeps } from '../../handlers/lib/step-deps.js';

/**
 * A fresh checkout account (API → checkout-api:live on version 5) with the platform deployed, and
 * step deps bound to it that collect audit records.
 */
export async function checkoutAccount(environment: StepDeps['environment'] = 'dev') {
  const account = new SimulatedAccount({ start: scenarioStart });
  const audit: AuditRecord[] = [];
  const platform = await SimulatedPlatform.deploy(account, {
    environment,
    approver: () => ({ decision: 'approve', by: 'test' }),
    observer: { onAudit: (entry) => audit.push(entry) },
  });
  const world: CheckoutWorld = checkoutService(account);
  return { account, world, audit, platform, deps: platform.stepDeps };
}
