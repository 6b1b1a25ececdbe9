import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  TooManyEntriesInBatchRequest,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';
import { createOrdersQueues } from '../../../gameday/scenarios/dlq-replay/orders-queues.js';

function orders(fifo = false) {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  return {
    account,
    sqs: account.clients().sqs,
    ...createOrdersQueues(account, { fifo, visibilityTimeout: 60 }),
  };
}

describe('simulated SQS', () => {
  it('hides a received message for the visibility timeout and redrives it after maxReceiveCount receives', async () => {
    const { account, sqs, sourceUrl, dlqUrl } = orders();
    account.sqs.sendMessage({ QueueUrl: sourceUrl, MessageBody: 'x' });
    for (let receive = 1; receive <= 3; receive += 1) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: sourceUrl, MessageSystemAttributeNames: ['All'] }),
      );
      expect(Messages[0]?.Attributes?.ApproximateReceiveCount).toBe(String(receive));
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl }))).Messages ?? []).toEqual([]);
      account.advance(61);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl }))).Messages ?? []).toEqual([]);
    expect(account.sqs.depth(dlqUrl)).toEqual({ visible: 1, inFlight: 0 });
  });

  it('returns only the message and system attributes a receive asks for, as SQS does', async () => {
    const { account, sqs, sourceUrl } = orders(true);
    account.sqs.sendMessage({
      QueueUrl: sourceUrl,
      MessageBody: 'x',
      MessageGroupId: 'g1',
      MessageDeduplicationId: 'd1',
      MessageAttributes: { tenant: { DataType: 'String', StringValue: 't1' } },
    });
    const receive = async (input: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]>) => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl, ...input }));
      account.advance(61);
      return Messages[0];
    };
    const bare = await receive({});
    expect(bare?.Attributes).toBeUndefined();
    expect(bare?.MessageAttributes).toBeUndefined();
    expect((await receive({ MessageSystemAttributeNames: ['MessageGroupId'] }))?.Attributes).toEqual({
      MessageGroupId: 'g1',
    });
    // The older parameter still works (a fourth receive would redrive the message).
    const all = await receive({ AttributeNames: ['All'], MessageAttributeNames: ['All'] });
    expect(all?.Attributes).toMatchObject({ MessageGroupId: 'g1', MessageDeduplicationId: 'd1' });
    expect(all?.MessageAttributes).toEqual({ tenant: { DataType: 'String', StringValue: 't1' } });
  });

  it('answers GetQueueAttributes with the attributes asked for only', async () => {
    const { sqs, sourceUrl } = orders();
    const ask = async (names: string[]) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: names as never })))
        .Attributes ?? {};
    expect(Object.keys(await ask(['ApproximateNumberOfMessages']))).toEqual(['ApproximateNumberOfMessages']);
    expect(await ask(['All'])).toHaveProperty('RedrivePolicy');
    expect(await ask([])).toEqual({});
  });

  it('enforces batch limits: 10 entries, distinct ids, 1 MiB', async () => {
    const { sqs, sourceUrl } = orders();
    const entries = (n: number, body = 'x') =>
      Array.from({ length: n }, (_, i) => ({ Id: String(i), MessageBody: body }));
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: sourceUrl, Entries: entries(11) })),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: sourceUrl, Entries: [...entries(1), ...entries(1)] })),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({ QueueUrl: sourceUrl, Entries: entries(3, 'x'.repeat(400_000)) }),
      ),
    ).rejects.toBeInstanceOf(BatchRequestTooLong);
    // One message of 700 KB is within SQS's limit since it became 1 MiB.
    const big = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: sourceUrl, Entries: entries(1, 'x'.repeat(700_000)) }),
    );
    expect(big.Successful).toHaveLength(1);
  });

  it('fails, as a sender fault, an entry above the queue’s maximum size or with more than ten attributes', async () => {
    const { account, sqs, sourceUrl } = orders();
    account.sqs.setQueueAttributes({ QueueUrl: sourceUrl, Attributes: { MaximumMessageSize: '1024' } });
    const attributes = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
    );
    const answer = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: sourceUrl,
        Entries: [
          { Id: 'big', MessageBody: 'x'.repeat(2048) },
          { Id: 'many', MessageBody: '{}', MessageAttributes: attributes },
          { Id: 'fine', MessageBody: '{}' },
        ],
      }),
    );
    expect(answer.Successful?.map((e) => e.Id)).toEqual(['fine']);
    expect(answer.Failed).toEqual([
      expect.objectContaining({ Id: 'big', SenderFault: true, Code: 'InvalidParameterValue' }),
      expect.objectContaining({
        Id: 'many',
        SenderFault: true,
        Message: expect.stringMatching(/\[11\] exceeds the allowed maximum \[10\]/),
      }),
    ]);
  });

  it('FIFO: drops a repeated deduplication id within five minutes and holds a group while a message is in flight', async () => {
    const { account, sqs, sourceUrl } = orders(true);
    const send = (id: string, group: string) =>
      account.sqs.sendMessage({
        QueueUrl: sourceUrl,
        MessageBody: id,
        MessageGroupId: group,
        MessageDeduplicationId: id,
      });
    send('a1', 'a');
    send('a1', 'a');
    send('a2', 'a');
    send('b1', 'b');
    expect(account.sqs.contents(sourceUrl).map((m) => m.body)).toEqual(['a1', 'a2', 'b1']);
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl, MaxNumberOfMessages: 10 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(['a1', 'a2', 'b1']);
    account.advance(61);
    send('a3', 'a');
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: sourceUrl, MaxNumberOfMessages: 1 }),
    );
    expect(Messages.map((m) => m.Body)).toEqual(['a1']);
    const next = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl, MaxNumberOfMessages: 10 }));
    expect(next.Messages?.map((m) => m.Body)).toEqual(['b1']);
  });

  it('moves a DLQ back to its source at the task rate, and only from a standard DLQ', () => {
    const { account, dlqUrl, dlqArn, sourceArn, sourceUrl } = orders();
    for (let i = 0; i < 100; i += 1) account.sqs.sendMessage({ QueueUrl: dlqUrl, MessageBody: String(i) });
    account.sqs.startMessageMoveTask({
      SourceArn: dlqArn,
      DestinationArn: sourceArn,
      MaxNumberOfMessagesPerSecond: 10,
    });
    account.advance(5);
    expect(account.sqs.listMessageMoveTasks({ SourceArn: dlqArn }).Results[0]).toMatchObject({
      Status: 'RUNNING',
      ApproximateNumberOfMessagesMoved: 50,
    });
    account.advance(5);
    expect(account.sqs.listMessageMoveTasks({ SourceArn: dlqArn }).Results[0]).toMatchObject({
      Status: 'COMPLETED',
      ApproximateNumberOfMessagesMoved: 100,
    });
    expect(account.sqs.depth(sourceUrl).visible).toBe(100);
    const fifo = orders(true);
    expect(() => fifo.account.sqs.startMessageMoveTask({ SourceArn: fifo.dlqArn })).toThrow(
      UnsupportedOperation,
    );
  });
});
