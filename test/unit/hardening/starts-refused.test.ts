import { describe, expect, it } from 'vitest';
import { dispatchAlarm } from '../../../handlers/dispatcher/dispatch-alarm.js';
import { dispatchEvent } from '../../../handlers/dispatcher/dispatch-event.js';
import { startManually } from '../../../handlers/dispatcher/manual-start.js';
import { parseTarget } from '../../../handlers/lib/targets.js';
import { alarmEvent as documentedEvent } from '../../support/alarm-event.js';
import { dispatchFixture } from '../../support/dispatch-fixture.js';

const person = { requestedBy: 'cli:oncall', force: false };

/** An AWS Health runtime notice naming these functions of the account, as AWS sends one. */
function healthNotice(
  functions: readonly string[],
  overrides: { account?: string; statuses?: string[] } = {},
) {
  const account = overrides.account ?? '123456789012';
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'AWS Health Event',
    source: 'aws.health',
    account,
    time: '2026-03-02T09:31:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      eventArn: 'arn:aws:health:eu-west-1::event/LAMBDA/AWS_LAMBDA_RUNTIME_DEPRECATION_SCHEDULED/x',
      service: 'LAMBDA',
      eventTypeCode: 'AWS_LAMBDA_RUNTIME_DEPRECATION_SCHEDULED',
      eventTypeCategory: 'scheduledChange',
      affectedEntities: functions.map((name, i) => ({
        entityValue: `arn:aws:lambda:eu-west-1:${account}:function:${name}`,
        ...(overrides.statuses ? { status: overrides.statuses[i % overrides.statuses.length] } : {}),
      })),
    },
  };
}

describe('starts refused before anything is taken', () => {
  it.each([
    [
      'runtime-upgrade',
      { runtime: 'nodejs22.x', dryRun: 'true' },
      /runtime-upgrade takes the parameters runtime, environment, not "dryRun"/,
    ],
    [
      'lambda-throttling',
      { maxConcurrency: '5000' },
      /lambda-throttling takes no parameters, not "maxConcurrency"/,
    ],
    ['runtime-upgrade', { runtime: 'nodejs99.x' }, /runtime: "nodejs99.x" is not a supported Lambda runtime/],
    [
      'runtime-upgrade',
      { runtime: 'nodejs12.x' },
      /"nodejs12.x" is not a supported Lambda runtime; supported: nodejs24.x, nodejs22.x, .*python3.13/,
    ],
    [
      'runtime-upgrade',
      { runtime: 'nodejs16.x' },
      /runtime: nodejs16.x is deprecated since 2024-06-12; supported: nodejs24.x/,
    ],
    [
      'runtime-upgrade',
      { environment: 'AWS_REGION=us-east-1' },
      /environment: AWS_REGION is reserved by the Lambda runtime/,
    ],
    ['runtime-upgrade', { environment: 'A=1' }, /environment: "A" is not an environment variable name/],
    ['runtime-upgrade', { environment: 'FLAG' }, /environment: "FLAG" is not KEY=VALUE/],
  ] as const)(
    'refuses %s with %o: no lease, no cool-down, no execution',
    async (runbook, parameters, reason) => {
      const { deps, account, platform, started } = await dispatchFixture();
      const outcome = await startManually(
        { ...person, runbook, target: parseTarget('lambda:checkout-api'), parameters },
        deps,
      );
      expect(outcome).toMatchObject({ action: 'ignore', reason: expect.stringMatching(reason) });
      expect(started()).toHaveLength(0);
      expect(account.dynamodb.scan(platform.leaseTable)).toEqual([]);
    },
  );

  it.each(['runtime-upgrade', 'secret-rotation'])(
    'refuses an alarm tagged runbook=%s, which no alarm starts, with the reason and nothing taken',
    async (runbook) => {
      const { deps, account, platform, started, counted } = await dispatchFixture();
      const outcome = await dispatchAlarm(
        documentedEvent({
          tags: {
            runbook,
            'runbook-target': runbook === 'secret-rotation' ? 'secret:orders-db' : 'lambda:checkout-api',
          },
        }),
        deps,
      );
      expect(outcome).toMatchObject({
        action: 'ignore',
        reason: `${runbook} is not started by alarms: a person, a schedule or its own AWS event starts it`,
      });
      expect(counted).toContain('NotAlarmTriggeredRunbooks');
      expect(started()).toHaveLength(0);
      expect(account.dynamodb.scan(platform.leaseTable)).toEqual([]);
    },
  );
});

describe('events from elsewhere', () => {
  it.each([
    ['another account', { account: '999999999999' }],
    ['another region', { region: 'us-east-1' }],
  ])('refuses an alarm of %s, with a metric, and starts nothing', async (_what, where) => {
    const { deps, started, counted } = await dispatchFixture();
    const event = { ...documentedEvent({ tags: { runbook: 'api-5xx-spike' } }), ...where };
    event.resources = [`arn:aws:cloudwatch:${event.region}:${event.account}:alarm:checkout-5xx-rate`];
    expect(await dispatchAlarm(event, deps)).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(
        /^the event is from account .* this deployment acts in 123456789012 eu-west-1 only$/,
      ),
    });
    expect(counted).toContain('ForeignEvents');
    expect(started()).toHaveLength(0);
  });

  it('refuses an alarm on another account’s metric (cross-account observability)', async () => {
    const { deps, started } = await dispatchFixture();
    const event = documentedEvent({ tags: { runbook: 'api-5xx-spike' } });
    const [metric] = event.detail.configuration.metrics;
    Object.assign(metric ?? {}, { accountId: '999999999999' });
    expect(await dispatchAlarm(event, deps)).toMatchObject({
      action: 'ignore',
      reason:
        'the alarm watches a metric of account 999999999999 in eu-west-1; this deployment acts in 123456789012 eu-west-1 only',
    });
    expect(started()).toHaveLength(0);
  });

  it('refuses a Health notice and a RotationFailed event of another account', async () => {
    const { deps, started } = await dispatchFixture();
    const [health] = await dispatchEvent(healthNotice(['orders-api'], { account: '999999999999' }), deps);
    expect(health).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/account 999999999999/) });
    const rotationFailed = {
      version: '0',
      id: 'e1',
      'detail-type': 'AWS Service Event via CloudTrail',
      source: 'aws.secretsmanager',
      account: '999999999999',
      time: '2026-03-02T09:31:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        eventSource: 'secretsmanager.amazonaws.com',
        eventName: 'RotationFailed',
        additionalEventData: {
          SecretId: 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:orders-db-AbCdEf',
        },
      },
    };
    const [rotation] = await dispatchEvent(rotationFailed, deps);
    expect(rotation).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(/account 999999999999/),
    });
    expect(started()).toHaveLength(0);
  });
});

describe('long AWS Health notices', () => {
  it('starts one upgrade per affected function however many the notice names, in pages, skipping resolved ones', async () => {
    const { deps, started } = await dispatchFixture();
    const names = Array.from({ length: 130 }, (_, i) => `fn-${String(i).padStart(3, '0')}`);
    const later: unknown[] = [];
    const paged = { ...deps, continueLater: async (event: unknown) => void later.push(event) };
    const outcomes = await dispatchEvent(
      healthNotice(names, { statuses: ['PENDING', 'PENDING', 'RESOLVED'] }),
      paged,
    );
    // The first page was started here; the rest was handed on before it, in one event.
    expect(outcomes).toHaveLength(50);
    expect(later).toHaveLength(1);
    for (let next = later.shift(); next; next = later.shift())
      outcomes.push(...(await dispatchEvent(next, paged)));
    const startedNames = started().map((e) => e.name);
    const resolved = names.filter((_, i) => i % 3 === 2);
    expect(startedNames).toHaveLength(names.length - resolved.length);
    expect(outcomes.filter((o) => o.action === 'ignore').map((o) => o.reason)).toEqual(
      resolved.map((name) => `lambda:${name} is RESOLVED in the notice: nothing to do`),
    );
    // Delivered again, the notice starts nothing twice.
    const again = healthNotice(names.slice(0, 10), { statuses: ['PENDING', 'PENDING', 'RESOLVED'] });
    for (const outcome of await dispatchEvent(again, deps))
      expect(outcome).toMatchObject({ action: 'ignore' });
    expect(started()).toHaveLength(startedNames.length);
  });
});
