import { describe, expect, it } from 'vitest';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { runScenario } from '../../gameday/run-scenario.js';
import { runtimeUpgradeScenarios } from '../../gameday/scenarios/runtime-upgrade/game-days.js';
import { dispatchEvent } from '../../handlers/dispatcher/dispatch-event.js';
import type { UpgradeReport } from '../../handlers/runtime-upgrade/report-upgrade.js';
import { dispatchFixture } from '../support/dispatch-fixture.js';

const byId = (id: string) => {
  const scenario = runtimeUpgradeScenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return scenario;
};

describe('runtime-upgrade state machine, run locally on the simulated account', () => {
  it.each(runtimeUpgradeScenarios.map((s) => [s.id, s] as const))(
    'meets the expectation of %s',
    async (_id, scenario) => {
      const result = await runScenario(scenario);
      expect(result.actual).toEqual(scenario.expected);
    },
  );

  it('goes staging → approval → 10% canary → 100%, comparing both versions over the same minutes', async () => {
    const result = await runScenario(byId('upgrade-clean'));
    const changes = result.timeline.filter((e) => e.kind === 'change').map((e) => e.text);
    expect(changes).toEqual([
      'update the function configuration lambda:orders-api: runtime nodejs18.x → nodejs22.x',
      'publish a version lambda:orders-api: none → {"version":"2","runtime":"nodejs22.x"}',
      'staging: route orders-api:staging lambda:orders-api:staging: functionVersion 1 → 2',
      'canary: route orders-api:live lambda:orders-api:live: weights {} → {"2":0.1}',
      'promote: route orders-api:live lambda:orders-api:live: functionVersion 1 → 2, weights {"2":0.1} → {}',
    ]);
    expect(result.timeline.some((e) => e.kind === 'approval' && /approved/.test(e.text))).toBe(true);
    const report = result.report as UpgradeReport;
    expect(report.comparison?.verdict).toBe('healthy');
    // About a tenth of the traffic reached the new version during the bake.
    const share =
      (report.comparison?.new.invocations ?? 0) /
      ((report.comparison?.old.invocations ?? 0) + (report.comparison?.new.invocations ?? 1));
    expect(share).toBeCloseTo(0.1, 2);
  });

  it('puts production back exactly and $LATEST’s runtime back when the canary regresses', async () => {
    const result = await runScenario(byId('canary-regression'));
    const report = result.report as UpgradeReport;
    expect(report.comparison).toMatchObject({
      verdict: 'regressed',
      new: { version: '2' },
      old: { version: '1' },
    });
    expect(report.productionAfter).toMatchObject({ functionVersion: '1', weights: {} });
    expect(result.finalState.function).toMatchObject({ runtime: 'nodejs18.x' });
    expect(result.finalState.function.aliases).toContainEqual({
      name: 'live',
      functionVersion: '1',
      weights: {},
    });
  });

  it('publishes nothing and touches no alias when Lambda fails the update', async () => {
    const result = await runScenario(byId('update-failed'));
    expect(result.finalState.function).toMatchObject({ runtime: 'nodejs18.x', lastUpdateStatus: 'Failed' });
    expect(result.finalState.function.versions).toHaveLength(1);
    expect(result.timeline.filter((e) => e.kind === 'notify').map((e) => e.text)).toContainEqual(
      expect.stringMatching(/the configuration update failed: The layer orders-deps:7 does not/),
    );
  });

  it('changes an environment variable through the same path, keeping the others', async () => {
    const result = await runScenario(byId('env-var-change'));
    const newest = result.finalState.function.versions.at(-1);
    expect(newest).toEqual({
      version: '2',
      runtime: 'nodejs18.x',
      environment: { LOG_LEVEL: 'info', FEATURE_NEW_CHECKOUT: 'on' },
    });
  });

  it('refuses a deprecated runtime at the start request, before anything starts', async () => {
    const base = byId('upgrade-clean');
    let account: SimulatedAccount | undefined;
    const result = await runScenario(
      { ...base, setup: (a) => ({ ...base.setup(a), parameters: { runtime: 'nodejs16.x' } }) },
      { onAccount: (a) => (account = a) },
    );
    expect(
      result.timeline.some((e) => /ignored: runtime: nodejs16.x is deprecated since 2024-06-12/.test(e.text)),
    ).toBe(true);
    expect(result.timeline.some((e) => e.text.startsWith('started '))).toBe(false);
    expect((account as SimulatedAccount).lambda.fn('orders-api').versions.size).toBe(1);
  });
});

describe('AWS Health runtime notices', () => {
  it('start runtime-upgrade once per named function of the account, and skip anything else', async () => {
    const { deps, started, account } = await dispatchFixture();
    const event = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'AWS Health Event',
      source: 'aws.health',
      account: '123456789012',
      time: '2026-03-02T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        eventArn: 'arn:aws:health:eu-west-1::event/LAMBDA/AWS_LAMBDA_PLANNED_LIFECYCLE_EVENT/1',
        service: 'LAMBDA',
        eventTypeCode: 'AWS_LAMBDA_PLANNED_LIFECYCLE_EVENT',
        eventTypeCategory: 'scheduledChange',
        affectedEntities: [
          { entityValue: account.lambda.fn('checkout-api').arn },
          { entityValue: 'arn:aws:lambda:us-east-1:123456789012:function:elsewhere' },
        ],
      },
    };
    const outcomes = await dispatchEvent(event, deps);
    expect(outcomes.map((o) => o.action)).toEqual(['start', 'ignore']);
    expect((await dispatchEvent(event, deps))[0]?.reason).toMatch(/duplicate delivery/);
    expect(started()).toHaveLength(1);
    expect(JSON.parse(started()[0]?.input ?? '{}')).toMatchObject({
      manualStart: { target: 'lambda:checkout-api', requestedBy: 'aws-health' },
    });
    await expect(
      dispatchEvent({ ...event, detail: { ...event.detail, service: 'EC2' } }, deps),
    ).rejects.toThrow(/not an AWS Health runtime notice: detail\.service/);
  });
});
