import { describe, expect, it } from 'vitest';
import { dispatchAlarm } from '../../../handlers/dispatcher/dispatch-alarm.js';
import { dispatchEvent } from '../../../handlers/dispatcher/dispatch-event.js';
import { alarmEvent } from '../../support/alarm-event.js';
import { dispatchFixture } from '../../support/dispatch-fixture.js';

const spoke = '444455556666';

/** The checkout account's platform, registered to act in one workload account in eu-west-1. */
async function hub() {
  const fixture = await dispatchFixture();
  const deps = {
    ...fixture.deps,
    config: {
      ...fixture.deps.config,
      accounts: [{ accountId: spoke, environment: 'prod' as const, regions: ['eu-west-1'] }],
    },
  };
  return { ...fixture, deps };
}

/** The documented alarm event, as a spoke forwards it: its own account and region. */
function forwarded(account: string, region: string) {
  const event = { ...alarmEvent({ tags: { runbook: 'api-5xx-spike' } }), account, region };
  event.resources = [`arn:aws:cloudwatch:${region}:${account}:alarm:checkout-5xx-rate`];
  return event;
}

const dispatchOf = (input: string | undefined) =>
  (JSON.parse(input ?? '{}') as { dispatch: { account: string; region: string; environment: string } })
    .dispatch;

describe('events of registered workload accounts', () => {
  it('starts a run that acts in the account the alarm came from', async () => {
    const { deps, started } = await hub();
    const outcome = await dispatchAlarm(forwarded(spoke, 'eu-west-1'), deps);
    expect(outcome).toMatchObject({ action: 'start', runbook: 'api-5xx-spike' });
    expect(dispatchOf(started()[0]?.input)).toMatchObject({
      account: spoke,
      region: 'eu-west-1',
      environment: 'prod',
    });
  });

  it('runs in the platform’s own account under the deployment’s environment', async () => {
    const { deps, started } = await hub();
    const event = alarmEvent({ tags: { runbook: 'api-5xx-spike' } });
    expect(await dispatchAlarm(event, deps)).toMatchObject({ action: 'start' });
    expect(dispatchOf(started()[0]?.input)).toMatchObject({ environment: deps.config.environment });
    expect(deps.config.environment).not.toBe('prod');
  });

  it('acts in the account a central monitoring account’s alarm watches, when it is registered', async () => {
    const { deps, started } = await hub();
    const event = alarmEvent({ tags: { runbook: 'api-5xx-spike' } });
    Object.assign(event.detail.configuration.metrics[0] ?? {}, { accountId: spoke });
    expect(await dispatchAlarm(event, deps)).toMatchObject({ action: 'start' });
    expect(dispatchOf(started()[0]?.input)).toMatchObject({ account: spoke, region: 'eu-west-1' });
  });

  it.each([
    ['an unregistered account', '999988887777', 'eu-west-1'],
    ['a region not registered for the account', spoke, 'us-east-1'],
  ])('refuses %s, naming where it acts, with a metric, starting nothing', async (_what, account, region) => {
    const { deps, started, counted } = await hub();
    expect(await dispatchAlarm(forwarded(account, region), deps)).toMatchObject({
      action: 'ignore',
      reason: `the event is from account ${account} in ${region}; this deployment acts in 123456789012 eu-west-1, ${spoke} eu-west-1 only`,
    });
    expect(counted).toContain('ForeignEvents');
    expect(started()).toHaveLength(0);
  });

  /** A person's start request for `lambda:orders-api`, in `account` if given. */
  const personStarts = (account?: string, region?: string) => ({
    startRequest: {
      runbook: 'lambda-throttling',
      target: 'lambda:orders-api',
      requestedBy: 'slack:U01ONCALL',
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
    },
  });

  it('starts a person’s run in the registered account they name, and one per account for the same name', async () => {
    const { deps, started } = await hub();
    const outcomes = await Promise.all([
      dispatchEvent(personStarts(spoke), deps),
      dispatchEvent(personStarts(), deps),
    ]);
    expect(outcomes.flat().map((o) => o.action)).toEqual(['start', 'start']);
    expect(
      started()
        .map((s) => dispatchOf(s.input).account)
        .sort(),
    ).toEqual(['123456789012', spoke]);
    expect(dispatchOf(started().find((s) => dispatchOf(s.input).account === spoke)?.input)).toMatchObject({
      environment: 'prod',
      locks: [`${spoke}/eu-west-1/lambda:orders-api`, `account:${spoke}:eu-west-1`],
    });
  });

  it('refuses a person’s start in an account or region the hub does not act in, starting nothing', async () => {
    const { deps, started, counted } = await hub();
    const [unregistered] = await dispatchEvent(personStarts('999988887777'), deps);
    expect(unregistered).toMatchObject({
      action: 'ignore',
      reason: expect.stringContaining('the request names a target in account 999988887777 in eu-west-1'),
    });
    const [elsewhere] = await dispatchEvent(personStarts(spoke, 'us-east-1'), deps);
    expect(elsewhere).toMatchObject({ action: 'ignore' });
    expect(counted.filter((m) => m === 'ForeignEvents')).toHaveLength(2);
    expect(started()).toHaveLength(0);
  });

  describe('accounts of a registered organizational unit', () => {
    const ou = 'ou-ab12-cdef3456';
    const member = '777788889999';
    async function hubWithUnit() {
      const fixture = await hub();
      const config = {
        ...fixture.deps.config,
        organizationalUnits: [
          { organizationalUnitId: ou, environment: 'staging' as const, regions: ['eu-west-1'] },
        ],
      };
      return { ...fixture, deps: { ...fixture.deps, config } };
    }
    const throughUnit = (unit: string, event: unknown) => ({ organizationalUnit: unit, event });

    it('starts a run in the account the unit’s bus delivered an event of, under the unit’s environment', async () => {
      const { deps, started } = await hubWithUnit();
      const [outcome] = await dispatchEvent(throughUnit(ou, forwarded(member, 'eu-west-1')), deps);
      expect(outcome).toMatchObject({ action: 'start', runbook: 'api-5xx-spike' });
      expect(dispatchOf(started()[0]?.input)).toMatchObject({ account: member, environment: 'staging' });
    });

    it.each([
      ['the same event not through the unit’s bus', (e: unknown) => e],
      ['an OU the hub does not list', (e: unknown) => throughUnit('ou-ab12-99998888', e)],
    ])('refuses %s, starting nothing', async (_what, wrap) => {
      const { deps, started, counted } = await hubWithUnit();
      const [outcome] = await dispatchEvent(wrap(forwarded(member, 'eu-west-1')), deps);
      expect(outcome).toMatchObject({ action: 'ignore' });
      expect(counted).toContain('ForeignEvents');
      expect(started()).toHaveLength(0);
    });

    it('refuses an event of the unit in a region not registered for it', async () => {
      const { deps, started } = await hubWithUnit();
      const [outcome] = await dispatchEvent(throughUnit(ou, forwarded(member, 'us-east-1')), deps);
      expect(outcome).toMatchObject({ action: 'ignore' });
      expect(started()).toHaveLength(0);
    });
  });
});
