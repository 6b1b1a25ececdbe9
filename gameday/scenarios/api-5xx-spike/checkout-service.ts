import type { SimulatedAccount } from '../../account/simulated-account.js';
import { type RunFacts, runbookOutcomeOf, type Scenario, scenarioStart } from '../../scenario.js';
import { createExperiments } from '../game-day-experiments.js';
import { blastRadiusAlarm, checkoutExperiments } from './checkout-faults.js';

const dayMs = 86_400_000;

export const healthy = { errorRate: 0.001, durationMs: 120 } as const;

/** The parts of the checkout account the runbook acts on. */
export interface CheckoutWorld {
  readonly alarmName: string;
  readonly functionName: string;
  readonly alias: string;
}

/** What an api-5xx-spike game day ends with, compared field by field with the expectation. */
export interface SpikeOutcome {
  readonly runbookOutcome: 'remediated' | 'escalated' | 'execution-failed' | 'not-started';
  /** Executions the dispatcher started. */
  readonly executions: number;
  readonly aliasVersion: string;
  readonly alarmState: string;
  readonly changes: number;
  readonly escalations: number;
  /**
   * Who changed the alias in a workload account, as its CloudTrail says: the role session and
   * the source identity it carries (`<role> for <source identity>`); absent where no session
   * with a source identity changed it (the platform's own account).
   */
  readonly changedAs?: string;
}

/** The checkout account at the end of a game day. */
export interface CheckoutFinalState {
  readonly alias: {
    readonly functionName: string;
    readonly alias: string;
    readonly functionVersion: string;
    readonly weights: Record<string, number>;
  };
  readonly alarm: { readonly name: string; readonly state: string };
  readonly notifications: { readonly topic: string; readonly subject: string; readonly at: string }[];
}

/**
 * A checkout REST API (`checkout`, stage `prod`) backed by the `checkout-api` function's `live`
 * alias on version 5 (published days ago), serving 600 requests a minute, and an alarm on the API's
 * 5XX rate: Average 5XXError over 1-minute periods above 5% in 2 of the last 3 minutes, tagged
 * `runbook=api-5xx-spike`. Another team's service can stand behind the same API (`functionName`).
 */
export function checkoutService(account: SimulatedAccount, functionName = 'checkout-api'): CheckoutWorld {
  const alias = 'live';
  account.lambda.createFunction(functionName, 10);
  for (let daysAgo = 20; daysAgo >= 4; daysAgo -= 4) {
    account.lambda.publishVersion(functionName, healthy, new Date(scenarioStart.getTime() - daysAgo * dayMs));
  }
  account.lambda.createAlias({ FunctionName: functionName, Name: alias, FunctionVersion: '5' });
  // What the sandbox's checkout code does: fail the share of requests FAIL_RATE says.
  account.lambda.behaviourOnPublish.set(functionName, (settings) => ({
    errorRate: Number(settings.environment.FAIL_RATE ?? healthy.errorRate),
    durationMs: 140,
  }));
  account.apiGateway.createRestApi('checkout', 'prod', functionName, alias);
  account.addWorkload({ kind: 'api', apiName: 'checkout', requestsPerMinute: 600 });
  const alarmName = 'checkout-5xx-rate';
  account.cloudwatch.putMetricAlarm({
    AlarmName: alarmName,
    AlarmDescription: '5XX responses above 5% on the checkout API',
    Namespace: 'AWS/ApiGateway',
    MetricName: '5XXError',
    Dimensions: [{ Name: 'ApiName', Value: 'checkout' }],
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 0.05,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Tags: [{ Key: 'runbook', Value: 'api-5xx-spike' }],
  });
  account.cloudwatch.putMetricAlarm({
    AlarmName: blastRadiusAlarm,
    AlarmDescription: 'Half of checkout requests fail: stop any game-day experiment',
    Namespace: 'AWS/ApiGateway',
    MetricName: '5XXError',
    Dimensions: [{ Name: 'ApiName', Value: 'checkout' }],
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 2,
    DatapointsToAlarm: 2,
    Threshold: 0.5,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  });
  return { alarmName, functionName, alias };
}

/** Publishes version 6, which fails 30% of requests, and points the alias at it. */
export function badDeploy(account: SimulatedAccount, world: CheckoutWorld): string {
  const version = account.lambda.publishVersion(world.functionName, { errorRate: 0.3, durationMs: 140 });
  account.lambda.updateAlias({
    FunctionName: world.functionName,
    Name: world.alias,
    FunctionVersion: version,
  });
  return `deployed ${world.functionName} version ${version} (fails 30% of requests) to alias ${world.alias}`;
}

/** What every checkout game day shares: the runbook, the account and how its outcome is read. */
export const checkoutGameDay = {
  runbook: 'api-5xx-spike',
  // The sandbox's FIS experiment templates, which the closed-loop game days start.
  setup: (account: SimulatedAccount) => {
    const world = checkoutService(account);
    createExperiments(account, checkoutExperiments);
    return world;
  },
  outcome(account: SimulatedAccount, world: CheckoutWorld, facts: RunFacts): SpikeOutcome {
    const reported = (report: unknown) => {
      const outcome = (report as { outcome?: string }).outcome;
      return outcome === 'remediated' || outcome === 'escalated' ? outcome : undefined;
    };
    const change = account.trail.findLast((e) => e.operation === 'UpdateAlias' && e.sourceIdentity);
    return {
      runbookOutcome: runbookOutcomeOf(facts, reported),
      executions: facts.executions.length,
      aliasVersion: account.lambda.aliasConfig(world.functionName, world.alias).functionVersion,
      alarmState: account.cloudwatch.alarmState(world.alarmName),
      changes: facts.changes.length,
      escalations: facts.escalations,
      ...(change ? { changedAs: `${change.principal.split('/')[1]} for ${change.sourceIdentity}` } : {}),
    };
  },
  finalState(account: SimulatedAccount, world: CheckoutWorld): CheckoutFinalState {
    return {
      alias: {
        functionName: world.functionName,
        alias: world.alias,
        ...account.lambda.aliasConfig(world.functionName, world.alias),
      },
      alarm: { name: world.alarmName, state: account.cloudwatch.alarmState(world.alarmName) },
      notifications: account.sns.published.map((m) => ({
        topic: m.topicArn,
        subject: m.subject,
        at: m.at.toISOString(),
      })),
    };
  },
  summary: (a: SpikeOutcome) =>
    `${a.runbookOutcome} · alias on version ${a.aliasVersion} · alarm ${a.alarmState} · ` +
    `${a.changes} change(s) · ${a.escalations} escalation(s)` +
    (a.changedAs ? ` · changed as ${a.changedAs}` : ''),
} satisfies Omit<
  Scenario<CheckoutWorld, SpikeOutcome, CheckoutFinalState>,
  'id' | 'description' | 'environment' | 'inject' | 'expected'
>;
