import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../gameday/account/event-bus.js';
import { dispatchAlarm } from '../../../handlers/dispatcher/dispatch-alarm.js';
import { startManually } from '../../../handlers/dispatcher/manual-start.js';
import { alarmTriggerPattern } from '../../../handlers/dispatcher/trigger-patterns.js';
import { parseAlarmEvent } from '../../../handlers/lib/alarm-event.js';
import { alarmEvent as documentedEvent } from '../../support/alarm-event.js';
import { dispatchFixture } from '../../support/dispatch-fixture.js';

describe('alarm events that must start nothing', () => {
  it('does not start a runbook on ALARM → ALARM, in the rule or in the dispatcher', async () => {
    const { deps, alarmEvent, started } = await dispatchFixture();
    const event = alarmEvent();
    const detail = event.detail as { state: object };
    const repeat = { ...event, detail: { ...detail, previousState: { ...detail.state } } };
    expect(await dispatchAlarm(repeat, deps)).toMatchObject({
      action: 'ignore',
      reason: 'ALARM → ALARM is no new incident: only a transition into ALARM starts a runbook',
    });
    expect(started()).toHaveLength(0);
    const bus = new EventBus();
    const delivered: unknown[] = [];
    bus.addRule(alarmTriggerPattern, (e) => delivered.push(e));
    bus.put(repeat as never);
    bus.put(event as never);
    expect(delivered).toEqual([event]);
  });

  it('still lets a person start a runbook on an alarm that is already in ALARM', async () => {
    const { deps, alarmEvent, started } = await dispatchFixture();
    alarmEvent(); // the account's alarm is in ALARM now
    const outcome = await startManually(
      { runbook: 'api-5xx-spike', alarmName: 'checkout-5xx-rate', requestedBy: 'slack:U1', force: false },
      deps,
    );
    expect(outcome).toMatchObject({ action: 'start', runbook: 'api-5xx-spike' });
    expect(started()).toHaveLength(1);
  });

  it('refuses an event whose alarm ARN names another alarm than alarmName', async () => {
    const { deps, started } = await dispatchFixture();
    const event = documentedEvent();
    const forged = {
      ...event,
      resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:someone-elses-alarm'],
    };
    await expect(dispatchAlarm(forged, deps)).rejects.toThrow(
      /resources\.0: names another alarm than detail\.alarmName/,
    );
    expect(started()).toHaveLength(0);
  });

  it.each(['0', '2026-03-02', 'yesterday', '2026-03-02 09:32:00'])(
    'refuses the state timestamp %j, which is no ISO 8601 time',
    async (timestamp) => {
      const { deps, started } = await dispatchFixture();
      await expect(dispatchAlarm(documentedEvent({ timestamp }), deps)).rejects.toThrow(
        /detail\.state\.timestamp: is not an ISO 8601 timestamp/,
      );
      expect(started()).toHaveLength(0);
    },
  );

  it('refuses alarm ARNs and account ids that only contain a valid one', () => {
    const arn = (alarmName: string) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`;
    const event = documentedEvent();
    expect(() => parseAlarmEvent(event)).not.toThrow();
    for (const resource of [
      `x${arn('checkout-5xx-rate')}`,
      arn('checkout-5xx-rate').replace('123456789012', '1234567890123'),
      `${arn('checkout-5xx-rate')}\nforged`,
    ])
      expect(() => parseAlarmEvent({ ...event, resources: [resource] }), resource).toThrow(
        /resources\.0: is not a CloudWatch alarm ARN/,
      );
    for (const account of ['1234567890123', 'x123456789012', '12345678901', '123456789012\n'])
      expect(() => parseAlarmEvent({ ...event, account }), account).toThrow(
        /account: is not a 12-digit account id/,
      );
  });

  it('accepts every alarm state and the other AWS partitions’ ARNs', () => {
    const event = documentedEvent();
    for (const value of ['OK', 'ALARM', 'INSUFFICIENT_DATA']) {
      const state = { ...event.detail.state, value };
      expect(
        parseAlarmEvent({ ...event, detail: { ...event.detail, state, previousState: state } }).detail.state
          .value,
      ).toBe(value);
    }
    for (const partition of ['aws-cn', 'aws-us-gov'])
      expect(() =>
        parseAlarmEvent({
          ...event,
          resources: [`arn:${partition}:cloudwatch:cn-north-1:123456789012:alarm:checkout-5xx-rate`],
        }),
      ).not.toThrow();
  });

  it('says what it refused and why', () => {
    expect(() => parseAlarmEvent({ ...documentedEvent(), account: 'x' })).toThrow(
      /^not a CloudWatch alarm state-change event: account: is not a 12-digit account id \(found "x"\)$/,
    );
    expect(() => parseAlarmEvent('ALARM')).toThrow(/^not a CloudWatch alarm state-change event: \(event\): /);
  });
});
