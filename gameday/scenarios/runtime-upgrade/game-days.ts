import type { Scenario } from '../../scenario.js';
import {
  type UpgradeFinalState,
  type UpgradeOutcome,
  type UpgradeWorld,
  upgradeGameDay,
  upgradeWorld,
} from './upgrade-world.js';

const toNode22 = { runtime: 'nodejs22.x' };

/** The runtime-upgrade game days: a clean upgrade and each way one must stop or roll back. */
export const runtimeUpgradeScenarios: readonly Scenario<UpgradeWorld, UpgradeOutcome, UpgradeFinalState>[] = [
  {
    ...upgradeGameDay,
    id: 'upgrade-clean',
    environment: 'prod',
    description:
      'orders-api moves from the deprecated nodejs18.x to nodejs22.x: staging first, a human approves, a 10% canary compares the versions, then all traffic.',
    setup: (account) => upgradeWorld(account, { parameters: toNode22 }),
    inject: () =>
      'nodejs18.x is deprecated; the platform team starts the upgrade of orders-api to nodejs22.x',
    expected: {
      runbookOutcome: 'upgraded',
      productionAlias: 'new version',
      stagingAlias: 'new version',
      latestRuntime: 'nodejs22.x',
      versionsPublished: 1,
    },
  },
  {
    ...upgradeGameDay,
    id: 'canary-regression',
    environment: 'dev',
    description:
      'On nodejs22.x the new version fails 10% of calls (a dependency relies on a removed API): the canary shows it; the production and staging aliases go back exactly as they were, and so does $LATEST.',
    setup: (account) => upgradeWorld(account, { parameters: toNode22 }),
    inject: (_account, world) => {
      world.onNewVersion.behaviour = { errorRate: 0.1, durationMs: 130 };
      return 'orders-api’s code fails 10% of calls on nodejs22.x; the upgrade starts';
    },
    expected: {
      runbookOutcome: 'rolled-back',
      productionAlias: 'exactly as before',
      stagingAlias: 'as before',
      latestRuntime: 'nodejs18.x',
      versionsPublished: 1,
    },
  },
  {
    ...upgradeGameDay,
    id: 'update-failed',
    environment: 'dev',
    description:
      'Lambda cannot apply the update (a layer built for the old runtime): LastUpdateStatus ends Failed; no version, no alias touched, escalated.',
    setup: (account) => upgradeWorld(account, { parameters: toNode22 }),
    inject: (account, world) => {
      account.lambda.configurations.failNextUpdate(
        world.functionName,
        'The layer orders-deps:7 does not support nodejs22.x',
      );
      return 'orders-api’s layer does not support nodejs22.x; the upgrade starts';
    },
    expected: {
      runbookOutcome: 'escalated',
      productionAlias: 'exactly as before',
      stagingAlias: 'as before',
      latestRuntime: 'nodejs18.x',
      versionsPublished: 0,
    },
  },
  {
    ...upgradeGameDay,
    id: 'already-failing',
    environment: 'dev',
    description:
      'orders-api was already failing 20% of calls and its errors alarm is in ALARM: the runbook stops before changing anything, so an incident fix is never blocked or confused.',
    setup: (account) => upgradeWorld(account, { parameters: toNode22, failingBefore: true }),
    inject: () => 'the upgrade of orders-api starts while orders-api-errors is in ALARM',
    expected: {
      runbookOutcome: 'stopped',
      productionAlias: 'exactly as before',
      stagingAlias: 'as before',
      latestRuntime: 'nodejs18.x',
      versionsPublished: 0,
    },
  },
  {
    ...upgradeGameDay,
    id: 'env-var-change',
    environment: 'dev',
    description:
      'A feature flag as an environment variable goes through the same path: a new version, staging, a canary, then all traffic; the runtime stays.',
    setup: (account) => upgradeWorld(account, { parameters: { environment: 'FEATURE_NEW_CHECKOUT=on' } }),
    inject: () => 'the platform team turns FEATURE_NEW_CHECKOUT on for orders-api',
    expected: {
      runbookOutcome: 'upgraded',
      productionAlias: 'new version',
      stagingAlias: 'new version',
      latestRuntime: 'nodejs18.x',
      versionsPublished: 1,
    },
  },
];
