import type { Scenario } from '../../scenario.js';
import { badDeployFault, dependencyFailureFault } from './checkout-faults.js';
import {
  badDeploy,
  type CheckoutFinalState,
  type CheckoutWorld,
  checkoutGameDay,
  checkoutService,
  type SpikeOutcome,
} from './checkout-service.js';
import {
  forwardSpokeAlarm,
  hubSettings,
  organizationalUnit,
  organizationId,
  unitAccount,
  unregisteredAccount,
  withTagPropagation,
  workloadAccount,
} from './forwarded-alarm.js';

/**
 * A bad deploy in a workload account of the game days' organization, whose alarms send their
 * tags (the hub cannot read another account's), deployed as the CDK app's defaults.
 */
const inWorkloadAccount = {
  ...checkoutGameDay,
  configuration: 'default',
  setup: withTagPropagation,
  inject: badDeploy,
} as const;

/** A bad deploy rolled back in a workload account, as the hub's spoke role, after approval. */
const rolledBackThroughSpoke: SpikeOutcome = {
  runbookOutcome: 'remediated',
  executions: 1,
  aliasVersion: '5',
  alarmState: 'OK',
  changes: 1,
  escalations: 0,
  changedAs: 'LambdaRunbooks-dev-spoke for alarm',
};

/** The api-5xx-spike game days, on the checkout service. */
export const api5xxSpikeScenarios: readonly Scenario<CheckoutWorld, SpikeOutcome, CheckoutFinalState>[] = [
  {
    id: 'bad-deploy',
    ...checkoutGameDay,
    description:
      'A new version fails 30% of requests; the runbook rolls the alias back and the alarm returns to OK.',
    environment: 'dev',
    fault: badDeployFault,
    watchAlarm: 'checkout-5xx-rate',
    expected: {
      runbookOutcome: 'remediated',
      executions: 1,
      aliasVersion: '5',
      alarmState: 'OK',
      changes: 1,
      escalations: 0,
    },
  },
  {
    id: 'no-recent-deploy',
    ...checkoutGameDay,
    description:
      'Errors start with no deploy (a failing dependency); the runbook escalates and changes nothing.',
    environment: 'dev',
    fault: dependencyFailureFault,
    watchAlarm: 'checkout-5xx-rate',
    expected: {
      runbookOutcome: 'escalated',
      executions: 1,
      aliasVersion: '5',
      alarmState: 'ALARM',
      changes: 0,
      escalations: 1,
    },
  },
  {
    id: 'change-budget-spent',
    ...checkoutGameDay,
    description:
      'A bad deploy in dev, where the rollback is automatic, with the hour’s budget of automated change spent: the runbook asks a human instead; nobody answers, so nothing changes and on-call is paged.',
    environment: 'dev',
    approval: 'no-answer',
    inject: badDeploy,
    settings: () => ({
      'runbooks:changeBudget': { perHour: 0, breakerFailures: 3, breakerWindowMinutes: 60 },
    }),
    expected: {
      runbookOutcome: 'escalated',
      executions: 1,
      aliasVersion: '6',
      alarmState: 'ALARM',
      changes: 0,
      escalations: 1,
    },
  },
  {
    id: 'approval-rejected',
    ...checkoutGameDay,
    description:
      'A bad deploy in prod; the approver rejects the rollback, so nothing changes and on-call is paged.',
    environment: 'prod',
    approval: 'reject',
    inject: badDeploy,
    expected: {
      runbookOutcome: 'escalated',
      executions: 1,
      aliasVersion: '6',
      alarmState: 'ALARM',
      changes: 0,
      escalations: 1,
    },
  },
  {
    id: 'approval-timeout',
    ...checkoutGameDay,
    description:
      'A bad deploy in prod; nobody answers the approval request in time, so the runbook escalates.',
    environment: 'prod',
    approval: 'no-answer',
    inject: badDeploy,
    expected: {
      runbookOutcome: 'escalated',
      executions: 1,
      aliasVersion: '6',
      alarmState: 'ALARM',
      changes: 0,
      escalations: 1,
    },
  },
  {
    id: 'duplicate-delivery',
    ...checkoutGameDay,
    description:
      'EventBridge delivers the alarm event three times; exactly one execution rolls the alias back.',
    environment: 'dev',
    inject: badDeploy,
    deliveries: 3,
    expected: {
      runbookOutcome: 'remediated',
      executions: 1,
      aliasVersion: '5',
      alarmState: 'OK',
      changes: 1,
      escalations: 0,
    },
  },
  {
    id: 'target-locked',
    ...checkoutGameDay,
    description:
      'A Lambda errors alarm starts the runbook in prod; while it waits for approval, the API alarm on the same alias fires and is recorded, not run.',
    environment: 'prod',
    setup: (account) => {
      const world = checkoutService(account);
      account.cloudwatch.putMetricAlarm({
        AlarmName: 'checkout-api-live-errors',
        AlarmDescription: 'Errors on checkout-api:live',
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'FunctionName', Value: world.functionName },
          { Name: 'Resource', Value: `${world.functionName}:${world.alias}` },
        ],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        Tags: [{ Key: 'runbook', Value: 'api-5xx-spike' }],
      });
      return world;
    },
    inject: badDeploy,
    expected: {
      runbookOutcome: 'remediated',
      executions: 1,
      aliasVersion: '5',
      alarmState: 'OK',
      changes: 1,
      escalations: 0,
    },
  },
  {
    id: 'spoke-without-role',
    ...checkoutGameDay,
    description:
      'A registered workload account forwards its checkout alarm to the hub, but has no spoke stack: the runbook starts there, cannot assume the spoke role, and escalates naming the account to deploy it to; nothing changes in either account.',
    environment: 'dev',
    // Registered for dev: the scoped production configuration's hub (prod) would refuse it.
    configuration: 'default',
    settings: hubSettings((region) => [
      { accountId: workloadAccount, environment: 'dev', regions: [region] },
    ]),
    inject: forwardSpokeAlarm,
    expected: {
      runbookOutcome: 'escalated',
      executions: 1,
      aliasVersion: '5',
      alarmState: 'OK',
      changes: 0,
      escalations: 1,
    },
  },
  {
    id: 'spoke-bad-deploy',
    ...inWorkloadAccount,
    description:
      'A bad deploy in a workload account registered as prod, with the spoke stack, served by a hub whose own environment is dev: its alarm reaches the hub through the spoke’s rule and the hub’s bus policy; the account’s prod policy asks a person (the hub’s dev policy would not), who approves; the rollback is made there as the spoke role, the requester named as source identity in that account’s CloudTrail.',
    environment: 'dev',
    organization: { id: organizationId, accounts: [{ accountId: workloadAccount, spoke: true }] },
    settings: hubSettings((region) => [
      { accountId: workloadAccount, environment: 'prod', regions: [region] },
    ]),
    expected: rolledBackThroughSpoke,
  },
  {
    id: 'ou-account-bad-deploy',
    ...inWorkloadAccount,
    description:
      'A bad deploy in an account the hub knows only as a member of an organizational unit registered as staging: its spoke (the OU’s StackSet) forwards the alarm to the OU’s own bus on the hub, which only the OU’s accounts may put events on; the run acts there under the staging policy, which asks a person, who approves the rollback.',
    environment: 'dev',
    organization: {
      id: organizationId,
      accounts: [{ accountId: unitAccount, spoke: true, organizationalUnitId: organizationalUnit }],
    },
    settings: hubSettings((region) => [
      { organizationalUnitId: organizationalUnit, environment: 'staging', regions: [region] },
    ]),
    expected: rolledBackThroughSpoke,
  },
  {
    id: 'unregistered-account',
    ...inWorkloadAccount,
    description:
      'A bad deploy in an account of the organization that has the spoke stack but is not registered with the hub (runbooks:accounts): its alarm reaches the hub, which refuses it with where it came from; nothing starts and nothing changes.',
    environment: 'prod',
    organization: { id: organizationId, accounts: [{ accountId: unregisteredAccount, spoke: true }] },
    settings: hubSettings((region) => [
      { accountId: workloadAccount, environment: 'prod', regions: [region] },
    ]),
    detectionMinutes: 10,
    expected: {
      runbookOutcome: 'not-started',
      executions: 0,
      aliasVersion: '6',
      alarmState: 'ALARM',
      changes: 0,
      escalations: 0,
    },
  },
  {
    id: 'out-of-scope-target',
    ...checkoutGameDay,
    description:
      'A bad deploy of billing-api, which the scoped production configuration leaves out: its first call is denied (AccessDenied), so the runbook escalates with the missing permission named and changes nothing.',
    environment: 'prod',
    configuration: 'scoped-prod',
    deniedActions: ['lambda:GetAlias'],
    setup: (account) => checkoutService(account, 'billing-api'),
    inject: badDeploy,
    expected: {
      runbookOutcome: 'escalated',
      executions: 1,
      aliasVersion: '6',
      alarmState: 'ALARM',
      changes: 0,
      escalations: 1,
    },
  },
];
