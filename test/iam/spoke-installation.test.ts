import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { SimulatedOrganization } from '../../gameday/account/simulated-organization.js';
import { deploySpoke } from '../../gameday/iam/platform-deployment.js';
import { scenarioStart } from '../../gameday/scenario.js';
import { checkoutService } from '../../gameday/scenarios/api-5xx-spike/checkout-service.js';
import { SimulatedPlatform } from '../../gameday/simulated-platform.js';
import { InstalledSpoke } from '../../gameday/spoke-installation.js';
import { ErrorNames } from '../../handlers/lib/errors.js';
import { spokeSession } from '../../handlers/lib/spoke-clients.js';

const organizationId = 'o-a1b2c3d4e5';
const workload = '444455556666';
const outsider = '999988887777';

/** A hub in an organization, one registered workload account with the spoke stack. */
async function hubAndSpoke() {
  const hub = new SimulatedAccount({ start: scenarioStart, accountId: '111122223333' });
  const organization = new SimulatedOrganization(organizationId, hub);
  const member = organization.addAccount(workload);
  const undelivered: string[] = [];
  const settings = {
    'runbooks:environment': 'prod',
    'runbooks:organization': { organizationId, hubAccountId: hub.identity.accountId, hubRegion: 'eu-west-1' },
    'runbooks:accounts': [{ accountId: workload, environment: 'prod', regions: ['eu-west-1'] }],
  };
  const platform = await SimulatedPlatform.deploy(hub, {
    environment: 'prod',
    approver: () => ({ decision: 'no-answer' }),
    settings,
    organization,
    observer: { onUndelivered: (what) => undelivered.push(what) },
  });
  const world = checkoutService(member);
  const spoke = platform.spokes.get(workload);
  if (!spoke) throw new Error('no spoke installed');
  return { hub, organization, member, platform, spoke, world, undelivered, settings };
}

/** A step's deps acting in the workload account as `actingIn` says, through the spoke. */
function actingAs(setup: Awaited<ReturnType<typeof hubAndSpoke>>, step: string, requestedBy = 'jane.doe') {
  const { platform, spoke } = setup;
  const session = spokeSession(
    {
      account: workload,
      region: 'eu-west-1',
      environment: 'prod',
      execution: 'api-5xx-spike-run-1',
      requestedBy,
    },
    { partition: 'aws', account: '111122223333', region: 'eu-west-1' },
    platform.installed.deployment.stackName,
  );
  return spoke.actingFor(platform.depsOf(step), platform.installed.callerOf(step), session);
}

describe('a spoke stack in a simulated workload account', () => {
  let setup: Awaited<ReturnType<typeof hubAndSpoke>>;
  beforeAll(async () => {
    setup = await hubAndSpoke();
  });

  it('lets a workload step act there as the spoke role, its session and source identity in the trail', async () => {
    const deps = actingAs(setup, 'rollback-alias');
    const alias = await deps.clients.lambda.send(
      new GetAliasCommand({ FunctionName: 'checkout-api', Name: 'live' }),
    );
    expect(alias.FunctionVersion).toBe('5');
    expect(setup.member.trail.at(-1)).toMatchObject({
      principal: `arn:aws:sts::${workload}:assumed-role/LambdaRunbooks-prod-spoke/api-5xx-spike-run-1`,
      sourceIdentity: 'jane.doe',
      operation: 'GetAlias',
    });
    // The hub's own tables stay the hub's.
    expect(deps.clients.dynamodb).toBe(setup.platform.depsOf('rollback-alias').clients.dynamodb);
  });

  it('refuses a hub role outside the steps’ path: nothing is called there', async () => {
    const calls = setup.member.trail.length;
    const deps = actingAs(setup, 'release-lease');
    await expect(
      deps.clients.lambda.send(new GetAliasCommand({ FunctionName: 'checkout-api', Name: 'live' })),
    ).rejects.toMatchObject({
      name: ErrorNames.spokeRoleUnavailable,
      message: expect.stringContaining(`deploy the spoke stack to account ${workload}`),
    });
    expect(setup.member.trail).toHaveLength(calls);
  });

  it('forwards the account’s alarms onto the hub’s bus, where the hub’s rules take them', async () => {
    const seen: unknown[] = [];
    setup.hub.bus.addRule({ source: ['aws.cloudwatch'] }, (event) => seen.push(event));
    setup.member.bus.put(alarmEvent(workload));
    await setup.spoke.deliver();
    expect(seen).toEqual([expect.objectContaining({ account: workload })]);
  });

  it('cannot forward from an account outside the organization: the hub’s bus policy refuses, the dead-letter queue keeps it', async () => {
    const stranger = new SimulatedAccount({
      start: scenarioStart,
      accountId: outsider,
      clock: setup.hub.clock,
    });
    const deployment = await deploySpoke(setup.settings, stranger.identity);
    if (!deployment) throw new Error('no spoke template');
    const undelivered: string[] = [];
    const spoke = new InstalledSpoke(stranger, deployment, setup.organization, (what) =>
      undelivered.push(what),
    );
    const seen: unknown[] = [];
    setup.hub.bus.addRule({ source: ['aws.cloudwatch'] }, (event) => {
      if (event.account === outsider) seen.push(event);
    });
    stranger.bus.put(alarmEvent(outsider));
    await spoke.deliver();
    expect(seen).toEqual([]);
    expect(undelivered).toEqual([expect.stringContaining('events:PutEvents')]);
    const [dlq] = deployment.queues;
    expect(stranger.sqs.contents(dlq?.url ?? '')).toHaveLength(1);
  });
});

function alarmEvent(account: string) {
  const at = scenarioStart.toISOString();
  return {
    version: '0',
    id: `event-${account}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time: at,
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:${account}:alarm:checkout-5xx-rate`],
    detail: {
      alarmName: 'checkout-5xx-rate',
      configuration: { metrics: [] },
      previousState: { reason: 'ok', timestamp: at, value: 'OK' },
      state: { reason: 'Threshold Crossed', timestamp: at, value: 'ALARM' },
    },
  };
}
