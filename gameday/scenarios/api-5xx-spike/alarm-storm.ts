import { ChangeBudget } from '../../../handlers/lib/change-budget.js';
import type { AccountIdentity } from '../../account/account-identity.js';
import type { SimulatedAccount } from '../../account/simulated-account.js';
import type { SimulatedOrganization } from '../../account/simulated-organization.js';
import type { RunFacts, Scenario } from '../../scenario.js';
import {
  badDeploy,
  type CheckoutFinalState,
  type CheckoutWorld,
  checkoutGameDay,
} from './checkout-service.js';
import { hubSettings, organizationId, withTagPropagation } from './forwarded-alarm.js';

/** Three workload accounts, each running its own `checkout-api` behind its own checkout API. */
export const stormAccounts = ['444455556666', '555566667777', '666677778888'] as const;

/** The checkout service in every storm account, the first account's as the game day's own. */
export interface StormWorld extends CheckoutWorld {
  readonly services: readonly { readonly account: SimulatedAccount; readonly world: CheckoutWorld }[];
}

/** What an alarm storm ends with. */
export interface StormOutcome {
  /** Executions the dispatcher started, one per account's alarm. */
  readonly executions: number;
  /** Changes made (each an alias rolled back). */
  readonly changes: number;
  /** Runs that asked a person: approval requests to the first group (on-call). */
  readonly approvalsAsked: number;
  readonly escalations: number;
  /** Each account's alias version at the end, `<account>:<version>`, in account order. */
  readonly aliases: string;
  /**
   * The circuit breaker at the end: `paused`, `resumed by <person>`, or `closed` (never tripped).
   */
  readonly breaker: string;
}

/** The storm accounts registered with the hub for dev, with the game day's budget of automated change. */
const stormSettings =
  (changeBudget: { perHour: number; breakerFailures: number; breakerWindowMinutes: number }) =>
  (identity: AccountIdentity) => ({
    ...hubSettings((region) =>
      stormAccounts.map((accountId) => ({ accountId, environment: 'dev', regions: [region] })),
    )(identity),
    'runbooks:changeBudget': changeBudget,
  });

/** What the storm game days share: the three accounts, their checkout services, how the outcome reads. */
const stormGameDay = {
  runbook: 'api-5xx-spike',
  environment: 'dev',
  configuration: 'default',
  organization: {
    id: organizationId,
    accounts: [
      { accountId: stormAccounts[0], spoke: true },
      { accountId: stormAccounts[1], spoke: true },
      { accountId: stormAccounts[2], spoke: true },
    ],
  },
  setup(account: SimulatedAccount, organization?: SimulatedOrganization): StormWorld {
    if (!organization) throw new Error('the alarm storm runs in an organization');
    const services = stormAccounts.map((id) => {
      const member = organization.account(id);
      if (!member) throw new Error(`account ${id} is not in the organization`);
      return { account: member, world: withTagPropagation(member) };
    });
    const own = services.find((s) => s.account === account)?.world;
    if (!own) throw new Error('the game day’s account is not a storm account');
    return { ...own, services };
  },
  async outcome(_account: SimulatedAccount, world: StormWorld, facts: RunFacts): Promise<StormOutcome> {
    const { hub, leaseTable } = facts.platform;
    const breaker = await new ChangeBudget(hub.clients().dynamodb, leaseTable).breaker();
    return {
      executions: facts.executions.length,
      changes: facts.changes.length,
      approvalsAsked: hub.sns.published.filter((m) => m.subject.startsWith('Approval needed (on-call)'))
        .length,
      escalations: facts.escalations,
      aliases: world.services
        .map(
          (s) =>
            `${s.account.identity.accountId}:${s.account.lambda.aliasConfig(s.world.functionName, s.world.alias).functionVersion}`,
        )
        .join(' '),
      breaker: breaker.paused ? 'paused' : breaker.resumedBy ? `resumed by ${breaker.resumedBy}` : 'closed',
    };
  },
  finalState: (account: SimulatedAccount, world: StormWorld) => checkoutGameDay.finalState(account, world),
  summary: (a: StormOutcome) =>
    `${a.executions} run(s) · ${a.changes} change(s) · ${a.approvalsAsked} asked a person · ` +
    `${a.escalations} escalation(s) · aliases ${a.aliases} · breaker ${a.breaker}`,
} satisfies Omit<Scenario<StormWorld, StormOutcome, CheckoutFinalState>, 'id' | 'description' | 'expected'>;

/**
 * A bad library release breaks checkout in every storm account at once: one alarm, one run, one
 * proposed rollback per account, all in the same minute, each in its own account.
 */
export const alarmStorm: Scenario<StormWorld, StormOutcome, CheckoutFinalState> = {
  ...stormGameDay,
  id: 'alarm-storm-budget',
  description:
    'A bad library release breaks checkout in three dev workload accounts in the same minute. The budget allows 2 automated changes an hour in dev: the first two runs roll back on their own, the third asks a person instead (nobody answers), escalates and changes nothing.',
  approval: 'no-answer',
  settings: stormSettings({ perHour: 2, breakerFailures: 3, breakerWindowMinutes: 60 }),
  inject(_account: SimulatedAccount, world: StormWorld): string {
    const deployed = world.services.map((s) => badDeploy(s.account, s.world));
    return `in ${world.services.length} accounts at once: ${deployed[0]}`;
  },
  expected: {
    executions: 3,
    changes: 2,
    approvalsAsked: 1,
    escalations: 1,
    aliases: `${stormAccounts[0]}:5 ${stormAccounts[1]}:5 ${stormAccounts[2]}:6`,
    breaker: 'closed',
  },
};

/**
 * A release with a database migration the old version cannot survive either: rolling back does
 * not help, in two accounts. The breaker (2 failures an hour) pauses automatic remediation
 * everywhere; a genuine bad deploy in the third account then waits for a person, who approves it;
 * later a person resumes automatic remediation.
 */
export const circuitBreaker: Scenario<StormWorld, StormOutcome, CheckoutFinalState> = {
  ...stormGameDay,
  id: 'circuit-breaker',
  description:
    'A release whose database migration breaks the old version too goes out in two dev workload accounts: both automatic rollbacks fail their verification, and the circuit breaker (2 in an hour) pauses automatic remediation everywhere. A plain bad deploy in the third account then asks a person, who approves the rollback; an hour later a person resumes automatic remediation.',
  approval: 'approve',
  settings: stormSettings({ perHour: 20, breakerFailures: 2, breakerWindowMinutes: 60 }),
  inject(_account: SimulatedAccount, world: StormWorld): string {
    for (const { account, world: service } of world.services.slice(0, 2)) {
      badDeploy(account, service);
      // The migration ran: version 5 fails as often as 6 does.
      account.lambda.setBehaviour(service.functionName, '5', { errorRate: 0.3, durationMs: 140 });
    }
    return `in ${stormAccounts[0]} and ${stormAccounts[1]}: checkout-api version 6 with a database migration version 5 cannot survive either (both fail 30% of requests)`;
  },
  later: [
    {
      afterMinutes: 30,
      kind: 'fault',
      act: (_account, world) => {
        const third = world.services[2];
        if (!third) throw new Error('no third account');
        return `in ${third.account.identity.accountId}: ${badDeploy(third.account, third.world)}`;
      },
    },
    {
      afterMinutes: 120,
      kind: 'person',
      act: async (_account, _world, platform) => {
        const budget = new ChangeBudget(platform.hub.clients().dynamodb, platform.leaseTable);
        const resumed = await budget.resume('jane.doe', platform.hub.clock.now());
        return `runbook resume --by jane.doe: automatic remediation resumed by ${resumed.resumedBy}`;
      },
    },
  ],
  expected: {
    executions: 3,
    changes: 3,
    approvalsAsked: 1,
    escalations: 2,
    aliases: `${stormAccounts[0]}:5 ${stormAccounts[1]}:5 ${stormAccounts[2]}:5`,
    breaker: 'resumed by jane.doe',
  },
};

/** The game days of several workload accounts at once. */
export const stormGameDays = [alarmStorm, circuitBreaker] as const;
