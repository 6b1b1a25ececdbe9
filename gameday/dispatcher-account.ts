import type { DispatcherConfig, DispatcherDeps } from '../handlers/dispatcher/dispatcher-config.js';
import { defaultChangeBudget } from '../handlers/lib/change-budget.js';
import { SimulatedAccount } from './account/simulated-account.js';

export interface DispatcherAccountOptions {
  readonly start: Date;
  readonly leaseSeconds: number;
  readonly cooldownSeconds: number;
  /**
   * Workload accounts the dispatcher also acts in (a hub's `runbooks:accounts`).
   * @default none
   */
  readonly accounts?: DispatcherConfig['accounts'];
}

/**
 * The least of the platform the dispatcher needs, in a fresh simulated account: the lease table and
 * the `api-5xx-spike` state machine, with dispatcher deps bound to them.
 */
export function dispatcherAccount(options: DispatcherAccountOptions) {
  const account = new SimulatedAccount({ start: options.start });
  const leaseTable = 'leases';
  account.dynamodb.createTable(leaseTable, ['pk']);
  const stateMachineArn = account.stepFunctions.createStateMachine('runbook-api-5xx-spike');
  const deps: DispatcherDeps = {
    clients: account.clients(),
    now: () => account.clock.now(),
    metrics: { count: () => undefined },
    config: {
      routes: [],
      changeBudget: defaultChangeBudget,
      leaseTable,
      accountId: account.identity.accountId,
      region: account.identity.region,
      environment: 'dev',
      accounts: options.accounts ?? [],
      organizationalUnits: [],
      runbooks: {
        'api-5xx-spike': {
          stateMachineArn,
          targets: ['function', 'api'],
          locks: ['target'],
          alarms: true,
          parameters: {},
          leaseSeconds: options.leaseSeconds,
          cooldownSeconds: options.cooldownSeconds,
        },
      },
    },
  };
  return { account, deps, leaseTable };
}
