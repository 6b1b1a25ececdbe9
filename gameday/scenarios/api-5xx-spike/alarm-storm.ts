import type { SimulatedAccount } from '../../account/simulated-account.js';
import type { SimulatedOrganization } from '../../account/simulated-organization.js';
import type { RunFacts, Scenario } from '../../scenario.js';
import {
  badDeploy,
  type CheckoutFinalState,
  type CheckoutWorld,
  checkoutGameDay,
} from './checkout-service.js';
import { organizationId, withTagPropagation } from './forwarded-alarm.js';

/** Three workload accounts, each running its own `checkout-api` behind its own checkout API. */
export const stormAccounts = ['444455556666', '555566667777', '666677778888'] as const;

/** The checkout service in every storm account, the first account's as the game day's own. */
export interface StormWorld extends CheckoutWorld {
  readonly hub: SimulatedAccount;
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
}

/**
 * A bad library release breaks checkout in every storm account at once: one alarm, one run, one
 * proposed rollback per account, all in the same minute, each in its own account.
 */
export const alarmStorm: Scenario<StormWorld, StormOutcome, CheckoutFinalState> = {
  id: 'alarm-storm-budget',
  runbook: 'api-5xx-spike',
  description:
    'A bad library release breaks checkout in three dev workload accounts in the same minute. The budget allows 2 automated changes an hour in dev: the first two runs roll back on their own, the third asks a person instead (nobody answers), escalates and changes nothing.',
  environment: 'dev',
  configuration: 'default',
  approval: 'no-answer',
  organization: {
    id: organizationId,
    accounts: [
      { accountId: stormAccounts[0], spoke: true },
      { accountId: stormAccounts[1], spoke: true },
      { accountId: stormAccounts[2], spoke: true },
    ],
  },
  settings: (identity) => ({
    'runbooks:organization': { organizationId, hubAccountId: identity.accountId, hubRegion: identity.region },
    'runbooks:accounts': stormAccounts.map((accountId) => ({
      accountId,
      environment: 'dev',
      regions: [identity.region],
    })),
    'runbooks:changeBudget': { perHour: 2, breakerFailures: 3, breakerWindowMinutes: 60 },
  }),
  setup(account: SimulatedAccount, organization?: SimulatedOrganization): StormWorld {
    if (!organization) throw new Error('the alarm storm runs in an organization');
    const services = stormAccounts.map((id) => {
      const member = organization.account(id);
      if (!member) throw new Error(`account ${id} is not in the organization`);
      return { account: member, world: withTagPropagation(member) };
    });
    const own = services.find((s) => s.account === account)?.world;
    if (!own) throw new Error('the game day’s account is not a storm account');
    return { ...own, hub: organization.hub, services };
  },
  inject(_account: SimulatedAccount, world: StormWorld): string {
    const deployed = world.services.map((s) => badDeploy(s.account, s.world));
    return `in ${world.services.length} accounts at once: ${deployed[0]}`;
  },
  outcome(_account: SimulatedAccount, world: StormWorld, facts: RunFacts): StormOutcome {
    return {
      executions: facts.executions.length,
      changes: facts.changes.length,
      approvalsAsked: world.hub.sns.published.filter((m) => m.subject.startsWith('Approval needed (on-call)'))
        .length,
      escalations: facts.escalations,
      aliases: world.services
        .map(
          (s) =>
            `${s.account.identity.accountId}:${s.account.lambda.aliasConfig(s.world.functionName, s.world.alias).functionVersion}`,
        )
        .join(' '),
    };
  },
  finalState: (account, world) => checkoutGameDay.finalState(account, world),
  summary: (a) =>
    `${a.executions} run(s) · ${a.changes} change(s) · ${a.approvalsAsked} asked a person · ` +
    `${a.escalations} escalation(s) · aliases ${a.aliases}`,
  expected: {
    executions: 3,
    changes: 2,
    approvalsAsked: 1,
    escalations: 1,
    aliases: `${stormAccounts[0]}:5 ${stormAccounts[1]}:5 ${stormAccounts[2]}:6`,
  },
};
