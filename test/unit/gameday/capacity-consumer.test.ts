import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';

function queueWith(messages: number, aboveCapacity: 'queue' | 'fail') {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  const { QueueUrl = '' } = account.sqs.createQueue({
    QueueName: 'orders',
    Attributes: { VisibilityTimeout: '60' },
  });
  for (let i = 0; i < messages; i += 1) account.sqs.sendMessage({ QueueUrl, MessageBody: `{"n":${i}}` });
  const counts = account.sqs.attachCapacityConsumer(QueueUrl, {
    functionName: 'orders-consumer',
    capacityPerSecond: () => 100,
    aboveCapacity,
  });
  return { account, QueueUrl, counts };
}

describe('a consumer served at its capacity', () => {
  it('processes its capacity a second, however the clock moves, and leaves the rest queued', () => {
    const { account, QueueUrl, counts } = queueWith(1_000, 'queue');
    account.advance(2);
    for (let i = 0; i < 10; i += 1) account.advance(0.1);
    expect(counts).toEqual({ processed: 300, errors: 0 });
    expect(account.sqs.depth(QueueUrl)).toEqual({ visible: 700, inFlight: 0 });
  });

  it('above capacity, takes what arrives and fails the excess, which stays in flight', () => {
    const { account, QueueUrl, counts } = queueWith(1_000, 'fail');
    account.advance(1);
    expect(counts).toEqual({ processed: 100, errors: 900 });
    expect(account.sqs.depth(QueueUrl)).toEqual({ visible: 0, inFlight: 900 });
  });
});
