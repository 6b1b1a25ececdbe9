import type { AccountIdentity } from '../../account/account-identity.js';
import type { SimulatedAccount } from '../../account/simulated-account.js';
import type { DeploymentSettings } from '../../iam/platform-deployment.js';
import { type CheckoutWorld, checkoutGameDay } from './checkout-service.js';

/** The organization of the game days with a hub. */
export const organizationId = 'o-a1b2c3d4e5';

/** A workload account the game days register with the hub (`runbooks:accounts`). */
export const workloadAccount = '444455556666';

/**
 * The settings of a hub serving the game days' organization: the platform's account is the hub,
 * and `accounts(region)` are registered (`runbooks:accounts`).
 */
export function hubSettings(
  accounts: (region: string) => readonly Record<string, unknown>[],
): (identity: AccountIdentity) => DeploymentSettings {
  return (identity) => ({
    'runbooks:organization': { organizationId, hubAccountId: identity.accountId, hubRegion: identity.region },
    'runbooks:accounts': accounts(identity.region),
  });
}

/** An organizational unit the game days register with the hub, and an account of it. */
export const organizationalUnit = 'ou-ab12-cdef3456';
export const unitAccount = '888899990000';

/** An account of the organization that is not registered with the hub. */
export const unregisteredAccount = '777788889999';

/**
 * The checkout service in a workload account whose alarms send their tags in their events
 * (CloudWatch's tag propagation): the hub cannot read another account's alarm tags itself.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-tags-in-notifications.html
 */
export function withTagPropagation(account: SimulatedAccount): CheckoutWorld {
  account.cloudwatch.tagPropagation = true;
  return checkoutGameDay.setup(account);
}

/**
 * A spoke's forwarding rule delivering its checkout alarm's transition into ALARM to the hub's
 * bus: the event as CloudWatch emits it in the workload account (its own account and alarm ARN,
 * tags propagated), published on the hub's bus as a cross-account delivery arrives.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export function forwardSpokeAlarm(account: SimulatedAccount, world: CheckoutWorld): string {
  const { region } = account.identity;
  const at = account.clock.now().toISOString();
  account.bus.put({
    version: '0',
    id: `forwarded-${account.clock.now().getTime()}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: workloadAccount,
    time: at,
    region,
    resources: [`arn:aws:cloudwatch:${region}:${workloadAccount}:alarm:${world.alarmName}`],
    detail: {
      alarmName: world.alarmName,
      alarmTags: { runbook: 'api-5xx-spike' },
      configuration: {
        description: '5XX responses above 5% on the checkout API',
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: { namespace: 'AWS/ApiGateway', name: '5XXError', dimensions: { ApiName: 'checkout' } },
              period: 60,
              stat: 'Average',
            },
            returnData: true,
          },
        ],
      },
      previousState: { reason: 'ok', timestamp: at, value: 'OK' },
      state: { reason: 'Threshold Crossed', timestamp: at, value: 'ALARM' },
    },
  });
  return `account ${workloadAccount}'s ${world.alarmName} went to ALARM; its spoke rule forwarded the event to the hub`;
}
