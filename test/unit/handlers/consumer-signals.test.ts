import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';
import { judge, lastMinutes } from '../../../handlers/dlq-replay/consumer-signals.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const consumer = { functionName: 'orders-consumer', concurrencyLimit: 10 };

/**
 * An account whose orders queue has a consumer of 200 messages a second at 10 executions (its
 * reservation), sent `perSecond` messages a second for a minute; then read as the replay reads it.
 */
async function aMinuteAt(perSecond: number, aboveCapacity: 'queue' | 'fail') {
  const account = new SimulatedAccount({ start: t0 });
  account.lambda.createFunction('orders-consumer', 30);
  account.lambda.concurrency.putReserved('orders-consumer', 10);
  const { QueueUrl } = account.sqs.createQueue({ QueueName: 'orders' });
  account.sqs.attachCapacityConsumer(QueueUrl, {
    functionName: 'orders-consumer',
    capacityPerSecond: () => 200,
    aboveCapacity,
    concurrency: 10,
  });
  for (let second = 0; second < 60; second += 1) {
    for (let i = 0; i < perSecond; i += 1) account.sqs.sendMessage({ QueueUrl, MessageBody: `{"n":${i}}` });
    account.advance(1);
  }
  account.advance(1);
  return lastMinutes(account.clients().cloudwatch, consumer, t0.getTime() + 60_000);
}

describe('the consumer signals the adaptive replay reads', () => {
  it('finds a consumer at its reservation in its ConcurrentExecutions, and none below it', async () => {
    const busy = await aMinuteAt(300, 'queue');
    expect(busy.last).toMatchObject({ errors: 0, concurrency: 10 });
    expect(judge(consumer, busy.before, busy.last)).toEqual({
      atLimit: 'orders-consumer runs 10 executions at once, its limit (10)',
    });
    const easy = await aMinuteAt(100, 'queue');
    expect(easy.last.concurrency).toBeLessThan(10);
    expect(judge(consumer, easy.before, easy.last)).toEqual({});
  });

  it('finds the errors of a consumer failing above its capacity, rising from the minute before', async () => {
    const failing = await aMinuteAt(300, 'fail');
    expect(failing.before.errors).toBe(0);
    expect(failing.last.errors).toBeGreaterThan(0);
    expect(judge({ ...consumer, concurrencyLimit: null }, failing.before, failing.last)).toEqual({
      trouble: `orders-consumer's errors rose to ${failing.last.errors} a minute (from 0)`,
    });
  });

  it('says nothing of errors that fell or a consumer with no limit', () => {
    const minute = (errors: number, concurrency: number) => ({ errors, throttles: 0, concurrency });
    const unbound = { functionName: 'orders-consumer', concurrencyLimit: null };
    expect(judge(unbound, minute(40, 900), minute(10, 900))).toEqual({});
    expect(judge(consumer, minute(0, 0), { errors: 0, throttles: 3, concurrency: 9 })).toEqual({
      trouble: "orders-consumer's throttles rose to 3 a minute (from 0)",
    });
  });
});
