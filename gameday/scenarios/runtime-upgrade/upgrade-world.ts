import type { StartRequest } from '../../../handlers/dispatcher/start-request.js';
import {
  testEventRegistry,
  testEventSchemaName,
  testEventTag,
} from '../../../handlers/runtime-upgrade/contract.js';
import type { UpgradeReport } from '../../../handlers/runtime-upgrade/report-upgrade.js';
import type { VersionBehaviour } from '../../account/lambda/simulated-lambda.js';
import type { SimulatedAccount } from '../../account/simulated-account.js';
import { type RunFacts, runbookOutcomeOf, type Scenario } from '../../scenario.js';

/** The function a runtime-upgrade game day upgrades, and how its code behaves on the new settings. */
export interface UpgradeWorld {
  readonly functionName: string;
  /** What a version published through the runbook does: healthy, or the fault. */
  readonly onNewVersion: { behaviour: VersionBehaviour };
  readonly parameters: Readonly<Record<string, string>>;
}

export interface UpgradeOutcome {
  readonly runbookOutcome: UpgradeReport['outcome'] | 'not-started' | 'execution-failed';
  /** Where the production alias ended: all on the new version, or exactly the routing it had. */
  readonly productionAlias: 'new version' | 'exactly as before' | 'changed otherwise';
  readonly stagingAlias: 'new version' | 'as before';
  /** `$LATEST`'s runtime at the end. */
  readonly latestRuntime: string;
  readonly versionsPublished: number;
}

export interface UpgradeFinalState {
  readonly function: {
    readonly name: string;
    readonly runtime: string;
    readonly lastUpdateStatus: string;
    readonly versions: readonly {
      readonly version: string;
      readonly runtime: string;
      readonly environment: Readonly<Record<string, string>>;
    }[];
    readonly aliases: readonly {
      readonly name: string;
      readonly functionVersion: string;
      readonly weights: Readonly<Record<string, number>>;
    }[];
  };
}

const functionName = 'orders-api';
const healthy: VersionBehaviour = { errorRate: 0.001, durationMs: 120 };

/**
 * `orders-api` on nodejs18.x: version 1 behind aliases `staging` and `live`, 30 requests a second
 * through `live`, an errors alarm, and shareable test events (its tag names the smoke test's).
 */
export function upgradeWorld(
  account: SimulatedAccount,
  options: { readonly parameters: Readonly<Record<string, string>>; readonly failingBefore?: boolean },
): UpgradeWorld {
  account.lambda.createFunction(functionName, 30, 512, {
    runtime: 'nodejs18.x',
    environment: { LOG_LEVEL: 'info' },
    tags: { [testEventTag]: 'health-check' },
  });
  // Two shareable test events as the Lambda console saves them; the tag names the smoke test's.
  account.schemas.createSchema({
    RegistryName: testEventRegistry,
    SchemaName: testEventSchemaName(functionName),
    Type: 'OpenApi3',
    Content: JSON.stringify({
      openapi: '3.0.0',
      info: { version: '1.0.0', title: 'Event' },
      paths: {},
      components: {
        examples: {
          'health-check': { value: { path: '/health', httpMethod: 'GET' } },
          'create-order': { value: { path: '/orders', httpMethod: 'POST', body: '{"sku":"A-1"}' } },
        },
      },
    }),
  });
  account.lambda.publishVersion(
    functionName,
    options.failingBefore ? { errorRate: 0.2, durationMs: 120 } : healthy,
  );
  for (const name of ['staging', 'live'])
    account.lambda.createAlias({ FunctionName: functionName, Name: name, FunctionVersion: '1' });
  const world: UpgradeWorld = {
    functionName,
    onNewVersion: { behaviour: healthy },
    parameters: options.parameters,
  };
  account.lambda.behaviourOnPublish.set(functionName, () => ({ ...world.onNewVersion.behaviour }));
  account.addWorkload({
    kind: 'function',
    functionName,
    alias: 'live',
    invocation: 'sync',
    ratePerSecond: () => 30,
  });
  account.cloudwatch.putMetricAlarm({
    AlarmName: 'orders-api-errors',
    AlarmDescription: 'orders-api fails requests',
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [{ Name: 'FunctionName', Value: functionName }],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 3,
    Threshold: 10,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  });
  return world;
}

const routing = (account: SimulatedAccount, alias: string) => account.lambda.aliasConfig(functionName, alias);

/** What every runtime-upgrade game day shares: how it starts and how it reads the outcome. */
export const upgradeGameDay = {
  runbook: 'runtime-upgrade',
  warmUpMinutes: 10,
  aftermathMinutes: 5,
  startRequest: (world: UpgradeWorld): StartRequest => ({
    startRequest: {
      runbook: 'runtime-upgrade',
      target: `lambda:${world.functionName}`,
      parameters: { ...world.parameters },
      requestedBy: 'cli:platform-team',
    },
  }),
  outcome(account: SimulatedAccount, world: UpgradeWorld, facts: RunFacts): UpgradeOutcome {
    const fn = account.lambda.fn(world.functionName);
    const newest = fn.versions.size > 1 ? String(fn.versions.size) : null;
    const live = routing(account, 'live');
    const staging = routing(account, 'staging');
    const untouched = live.functionVersion === '1' && Object.keys(live.weights).length === 0;
    return {
      runbookOutcome: runbookOutcomeOf(facts, (r) => (r as UpgradeReport).outcome),
      productionAlias: untouched
        ? 'exactly as before'
        : newest && live.functionVersion === newest && Object.keys(live.weights).length === 0
          ? 'new version'
          : 'changed otherwise',
      stagingAlias: newest && staging.functionVersion === newest ? 'new version' : 'as before',
      latestRuntime: account.lambda.configurations.latest(world.functionName).runtime,
      versionsPublished: fn.versions.size - 1,
    };
  },
  finalState(account: SimulatedAccount, world: UpgradeWorld): UpgradeFinalState {
    const fn = account.lambda.fn(world.functionName);
    const latest = account.lambda.configurations.latest(world.functionName);
    return {
      function: {
        name: fn.name,
        runtime: latest.runtime,
        lastUpdateStatus: latest.lastUpdateStatus,
        versions: [...fn.versions.values()].map((v) => ({ version: v.version, ...v.settings })),
        aliases: [...fn.aliases.keys()].map((name) => ({ name, ...routing(account, name) })),
      },
    };
  },
  summary: (a: UpgradeOutcome) =>
    `${a.runbookOutcome} · live ${a.productionAlias} · staging ${a.stagingAlias} · $LATEST on ${a.latestRuntime} · ${a.versionsPublished} version(s) published`,
} satisfies Omit<
  Scenario<UpgradeWorld, UpgradeOutcome, UpgradeFinalState>,
  'id' | 'description' | 'environment' | 'setup' | 'inject' | 'expected'
>;
