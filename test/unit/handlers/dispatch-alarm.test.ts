import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../gameday/account/event-bus.js';
import { dispatchAlarm } from '../../../handlers/dispatcher/dispatch-alarm.js';
import { startManually } from '../../../handlers/dispatcher/manual-start.js';
import { manualStartOf } from '../../../handlers/dispatcher/start-request.js';
import { InvalidInputError } from '../../../handlers/lib/errors.js';
import type { TargetKind } from '../../../handlers/lib/targets.js';
import { releaseLease } from '../../../handlers/shared/release-lease.js';
import { runbooks } from '../../../runbooks/catalogue.js';
import { alarmEvent } from '../../support/alarm-event.js';
import { dispatchFixture } from '../../support/dispatch-fixture.js';

/** The same alarm going to ALARM again at `timestamp`: another trigger for the same target. */
const againAt = (event: BusEvent, timestamp: string): BusEvent => ({
  ...event,
  detail: { ...event.detail, state: { ...(event.detail.state as object), timestamp } },
});

describe('dispatchAlarm', () => {
  it('starts the tagged runbook once, with the alarm event and the dispatch context as input', async () => {
    const { deps, alarmEvent, started } = await dispatchFixture();
    const event = alarmEvent();
    const outcome = await dispatchAlarm(event, deps);
    expect(outcome).toMatchObject({
      action: 'start',
      runbook: 'api-5xx-spike',
      target: 'lambda:checkout-api:live',
      reason: 'routed by tag runbook=api-5xx-spike',
    });
    const [execution] = started();
    expect(execution?.name).toBe(outcome.executionName);
    expect(JSON.parse(execution?.input ?? '{}')).toMatchObject({
      detail: { alarmName: 'checkout-5xx-rate' },
      dispatch: {
        runbook: 'api-5xx-spike',
        target: 'lambda:checkout-api:live',
        requestedBy: 'alarm',
        cooldownSeconds: 1800,
      },
    });
  });

  it('treats redelivered events as duplicates, not errors', async () => {
    const { deps, alarmEvent, started, counted } = await dispatchFixture();
    const event = alarmEvent();
    await dispatchAlarm(event, deps);
    const again = await dispatchAlarm(structuredClone(event), deps);
    expect(again).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/^duplicate delivery/) });
    expect(started()).toHaveLength(1);
    expect(counted).toContain('DuplicateAlarmEvents');
  });

  it('records a trigger for a locked target and runs nothing', async () => {
    const { deps, alarmEvent, started, counted } = await dispatchFixture();
    const event = alarmEvent();
    await dispatchAlarm(event, deps);
    const other = againAt(event, '2026-03-02T09:40:00.000+0000');
    const outcome = await dispatchAlarm(other, deps);
    expect(outcome).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(/^target lambda:checkout-api:live is locked by api-5xx-spike execution /),
    });
    expect(started()).toHaveLength(1);
    expect(counted).toContain('LockedTargetTriggers');
  });

  it('takes over a lapsed claim only once the run that holds it no longer runs', async () => {
    const { deps, alarmEvent, started, account } = await dispatchFixture();
    const event = alarmEvent();
    const first = await dispatchAlarm(event, deps);
    // Its dispatch started the run and was cut off before marking it: an unmarked claim, lapsed.
    await deps.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: deps.config.leaseTable,
        Key: marshall({ pk: 'target#lambda:checkout-api' }),
        UpdateExpression: 'SET started = :false, expiresAt = :past',
        ExpressionAttributeValues: marshall({
          ':false': false,
          ':past': account.clock.now().getTime() / 1000 - 1,
        }),
      }),
    );
    expect(await dispatchAlarm(againAt(event, '2026-03-02T09:40:00.000+0000'), deps)).toMatchObject({
      action: 'ignore',
      reason: expect.stringContaining(`is locked by api-5xx-spike execution ${first.executionName}`),
    });
    const [run] = started();
    if (!run) throw new Error('no run started');
    account.stepFunctions.finish(run, 'FAILED');
    expect(await dispatchAlarm(againAt(event, '2026-03-02T09:41:00.000+0000'), deps)).toMatchObject({
      action: 'start',
    });
    expect(started()).toHaveLength(2);
  });

  it('keeps the lease of a run it started when marking it started fails, and marks it on the retry', async () => {
    const { deps, alarmEvent, started } = await dispatchFixture();
    const event = alarmEvent();
    const dynamodb = deps.clients.dynamodb;
    let refused = false;
    const failingMark = {
      ...deps,
      clients: {
        ...deps.clients,
        dynamodb: {
          send: (command: UpdateItemCommand) => {
            if (!refused && command.input.UpdateExpression?.startsWith('SET started = :true')) {
              refused = true;
              return Promise.reject(new Error('ProvisionedThroughputExceededException'));
            }
            return dynamodb.send(command);
          },
        } as unknown as typeof dynamodb,
      },
    };
    await expect(dispatchAlarm(event, failingMark)).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(started()).toHaveLength(1);
    const later = againAt(event, '2026-03-02T09:40:00.000+0000');
    // The run holds its target: another trigger is locked out, not started beside it.
    expect(await dispatchAlarm(later, deps)).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(/is locked by/),
    });
    // Lambda's retry of the first delivery finds the run and marks it started.
    expect(await dispatchAlarm(structuredClone(event), deps)).toMatchObject({
      reason: expect.stringMatching(/^duplicate delivery: .* is running/),
    });
    expect(await dispatchAlarm(structuredClone(event), deps)).toMatchObject({
      reason: expect.stringMatching(/^duplicate delivery: .* already started/),
    });
    expect(started()).toHaveLength(1);
  });

  it('respects the cool-down after a run unless a human forces it', async () => {
    const { deps, alarmEvent, started, platform } = await dispatchFixture();
    const event = alarmEvent();
    const first = await dispatchAlarm(event, deps);
    const execution = started()[0];
    await releaseLease(
      { executionName: first.executionName ?? '', executionInput: JSON.parse(execution?.input ?? '{}') },
      platform.stepDeps,
    );
    const next = againAt(event, '2026-03-02T09:45:00.000+0000');
    expect(await dispatchAlarm(next, deps)).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(/^cool-down: /),
    });
    expect(await dispatchAlarm(next, deps, { requestedBy: 'U123', force: true })).toMatchObject({
      action: 'start',
    });
    expect(started()).toHaveLength(2);
  });

  it('reads tags from CloudWatch when the event does not carry them', async () => {
    const { deps, alarmEvent } = await dispatchFixture();
    const event = alarmEvent();
    expect(event.detail.alarmTags).toBeUndefined();
    expect((await dispatchAlarm(event, deps)).action).toBe('start');
  });

  it('routes untagged alarms by the routing table', async () => {
    const { deps, alarmEvent, account } = await dispatchFixture();
    account.cloudwatch.tagPropagation = true;
    const event = alarmEvent();
    const untagged = { ...event, detail: { ...event.detail, alarmTags: {} } };
    expect(await dispatchAlarm(untagged, deps)).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(/^no route/),
    });
    const routed = {
      ...deps,
      config: { ...deps.config, routes: [{ runbook: 'api-5xx-spike', alarmNamePrefix: 'checkout-' }] },
    };
    expect(await dispatchAlarm(untagged, routed)).toMatchObject({
      action: 'start',
      reason: 'routed by routing table',
    });
  });

  it('ignores OK transitions and names unknown runbooks in tags', async () => {
    const { deps, alarmEvent, started } = await dispatchFixture();
    const event = alarmEvent();
    const ok = {
      ...event,
      detail: { ...event.detail, state: { ...(event.detail.state as object), value: 'OK' } },
    };
    expect(await dispatchAlarm(ok, deps)).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(/^state is OK/),
    });
    const unknown = { ...event, detail: { ...event.detail, alarmTags: { runbook: 'reboot-everything' } } };
    expect(await dispatchAlarm(unknown, deps)).toMatchObject({
      action: 'ignore',
      reason: `tag runbook=reboot-everything names no known runbook (known: ${runbooks.map((r) => r.id).join(', ')})`,
    });
    expect(started()).toHaveLength(0);
  });

  it('routes composite alarms only when tagged', async () => {
    const { deps, alarmEvent } = await dispatchFixture();
    const event = alarmEvent();
    const composite = {
      ...event,
      detail: { ...event.detail, alarmTags: {}, configuration: { alarmRule: 'ALARM(a) OR ALARM(b)' } },
    };
    const routes = {
      ...deps,
      config: { ...deps.config, routes: [{ runbook: 'api-5xx-spike', alarmNamePrefix: 'checkout' }] },
    };
    expect(await dispatchAlarm(composite, routes)).toMatchObject({
      reason: expect.stringMatching(/^composite alarms start a runbook only when tagged/),
    });
    const tagged = {
      ...composite,
      detail: {
        ...composite.detail,
        alarmTags: { runbook: 'api-5xx-spike', 'runbook-target': 'lambda:checkout-api:live' },
      },
    };
    expect(await dispatchAlarm(tagged, routes)).toMatchObject({
      action: 'start',
      target: 'lambda:checkout-api:live',
    });
  });

  it('rejects a malformed event with a specific error and starts nothing', async () => {
    const { platform, deps, alarmEvent, started, account } = await dispatchFixture();
    const event = alarmEvent();
    await expect(
      dispatchAlarm({ ...event, resources: ['arn:aws:sqs:eu-west-1:123456789012:q'] }, deps),
    ).rejects.toThrow(/resources\.0: is not a CloudWatch alarm ARN/);
    await expect(dispatchAlarm('not json', deps)).rejects.toBeInstanceOf(InvalidInputError);
    expect(started()).toHaveLength(0);
    expect(account.dynamodb.scan(platform.leaseTable)).toEqual([]);
  });

  it('releases the lease when the execution cannot be started', async () => {
    const { platform, deps, alarmEvent, account } = await dispatchFixture();
    const event = alarmEvent();
    const broken = {
      ...deps,
      config: {
        ...deps.config,
        runbooks: {
          'api-5xx-spike': {
            locks: ['target' as const],
            alarms: true,
            parameters: {},
            stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:missing',
            targets: ['function', 'api'] satisfies TargetKind[],
            leaseSeconds: 600,
            cooldownSeconds: 0,
          },
        },
      },
    };
    // The dispatcher's role may start the deployed runbooks only: IAM refuses before Step Functions looks.
    await expect(dispatchAlarm(event, broken)).rejects.toThrow(
      /not authorized to perform: states:StartExecution/,
    );
    expect(account.dynamodb.scan(platform.leaseTable).filter((item) => item.holder)).toEqual([]);
  });
});

describe('dispatchAlarm with hostile or mismatched targets', () => {
  it('refuses a runbook-target tag that is not a target, taking no lease', async () => {
    const { platform, deps, account, started } = await dispatchFixture();
    const event = alarmEvent({
      tags: { runbook: 'api-5xx-spike', 'runbook-target': '../../etc/passwd; rm -rf /' },
    });
    const outcome = await dispatchAlarm(event, deps);
    expect(outcome).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(/^no target: tag runbook-target=.*unknown target kind/),
    });
    expect(started()).toHaveLength(0);
    expect(account.dynamodb.scan(platform.leaseTable)).toEqual([]);
  });

  it('refuses to start a runbook on a kind of target it does not act on, before anything starts', async () => {
    const { platform, deps, account, started, counted } = await dispatchFixture();
    const event = alarmEvent({
      tags: { runbook: 'dlq-replay' },
      metric: {
        namespace: 'AWS/Lambda',
        name: 'Errors',
        dimensions: { FunctionName: 'checkout-api', Resource: 'checkout-api:live' },
      },
    });
    const outcome = await dispatchAlarm(event, deps);
    expect(outcome).toMatchObject({
      action: 'ignore',
      reason: 'dlq-replay acts on queue targets, and lambda:checkout-api:live is a function',
    });
    expect(counted).toContain('WrongTargetKindTriggers');
    expect(started()).toHaveLength(0);
    expect(account.dynamodb.scan(platform.leaseTable)).toEqual([]);
  });

  it('targets the account and region for an alarm on account-level concurrency', async () => {
    const { deps } = await dispatchFixture();
    const event = alarmEvent({
      alarmName: 'account-concurrency',
      tags: { runbook: 'api-5xx-spike' },
      metric: { namespace: 'AWS/Lambda', name: 'ClaimedAccountConcurrency', dimensions: {} },
    });
    const outcome = await dispatchAlarm(event, deps);
    expect(outcome).toMatchObject({ action: 'ignore', target: 'account:123456789012:eu-west-1' });
  });
});

describe('startManually', () => {
  it.each(['__proto__', 'constructor', 'toString'])('does not take %s for a runbook', async (name) => {
    const { deps } = await dispatchFixture();
    await expect(
      startManually(
        { runbook: name, alarmName: 'checkout-5xx-rate', requestedBy: 'cli:test', force: false },
        deps,
      ),
    ).rejects.toThrow(/unknown runbook/);
  });

  it('starts a runbook on a named target through the lease, once per request', async () => {
    const { deps, started } = await dispatchFixture();
    const request = {
      runbook: 'api-5xx-spike',
      target: { kind: 'function', functionName: 'checkout-api', alias: 'live' },
      parameters: {},
      requestedBy: 'slack:U01ONCALL',
      force: false,
    } as const;
    const first = await startManually(request, deps);
    const again = await startManually(request, deps);
    expect(first).toMatchObject({ action: 'start', target: 'lambda:checkout-api:live' });
    expect(again).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/^duplicate delivery/) });
    expect(started()).toHaveLength(1);
    expect(JSON.parse(started()[0]?.input ?? '{}')).toMatchObject({
      manualStart: { target: 'lambda:checkout-api:live', requestedBy: 'slack:U01ONCALL' },
      dispatch: { requestedBy: 'slack:U01ONCALL' },
    });
  });
});

describe('start requests sent to the dispatcher', () => {
  it('become the manual start they ask for', () => {
    expect(
      manualStartOf({
        startRequest: { runbook: 'lambda-throttling', target: 'lambda:payments-api', requestedBy: 'cli:ana' },
      }),
    ).toEqual({
      runbook: 'lambda-throttling',
      target: { kind: 'function', functionName: 'payments-api' },
      parameters: {},
      requestedBy: 'cli:ana',
      force: false,
    });
  });

  it.each([
    [{ startRequest: { runbook: 'x', requestedBy: 'cli:ana' } }, /names either an alarm or a target/],
    [
      { startRequest: { runbook: 'x', alarm: 'a', target: 'lambda:f', requestedBy: 'cli:ana' } },
      /names either an alarm or a target/,
    ],
    [{ startRequest: { runbook: 'x', target: 'lambda:f;rm', requestedBy: 'cli:ana' } }, /not a target/],
    [{ startRequest: { runbook: '', target: 'lambda:f' } }, /startRequest.runbook.*startRequest.requestedBy/],
  ])('are refused when malformed: %j', (event, reason) => {
    expect(() => manualStartOf(event)).toThrow(reason);
  });
});
