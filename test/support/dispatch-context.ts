import type { DispatchContext } from '../../handlers/dispatcher/launch.js';
import { defaultChangeBudget } from '../../handlers/lib/change-budget.js';

/** The context the dispatcher gives every run it starts, for runs a test starts itself. */
export function dispatchContext(runbook: string, target: string): DispatchContext {
  return {
    runbook,
    target,
    account: '123456789012',
    region: 'eu-west-1',
    environment: 'dev',
    locks: [target],
    requestedBy: 'test',
    forced: false,
    cooldownSeconds: 0,
    changeBudget: defaultChangeBudget,
  };
}
