import { describe, expect, it } from 'vitest';
import { redriveFailedInvocations } from '../../../cli/redrive-failed.js';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';

/** A failed-invocations queue holding what Lambda's on-failure destination sends, and the dispatcher. */
function setup() {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  account.lambda.createFunction('runbooks-dispatcher');
  const received: unknown[] = [];
  account.lambda.code.deploy('runbooks-dispatcher', async (event) => {
    received.push(event);
    return null;
  });
  const { QueueUrl } = account.sqs.createQueue({ QueueName: 'failed-invocations' });
  const record = (functionArn: string, requestPayload: unknown) =>
    JSON.stringify({
      version: '1.0',
      timestamp: '2026-03-02T09:01:00.000Z',
      requestContext: {
        requestId: 'r-1',
        functionArn,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'ProvisionedThroughputExceededException' },
    });
  const dispatcherArn = `${account.lambda.fn('runbooks-dispatcher').arn}:$LATEST`;
  return { account, received, QueueUrl, record, dispatcherArn };
}

describe('redrive-failed-dispatches', () => {
  it('sends each failed event back to its function and removes it from the queue', async () => {
    const { account, received, QueueUrl, record, dispatcherArn } = setup();
    const event = { source: 'aws.cloudwatch', id: 'alarm-event-1' };
    account.sqs.sendMessage({ QueueUrl, MessageBody: record(dispatcherArn, event) });
    const entries = await redriveFailedInvocations(account.clients(), QueueUrl, { dryRun: false, max: 100 });
    expect(entries).toMatchObject([
      { action: 'redriven', functionName: 'runbooks-dispatcher', condition: 'RetriesExhausted' },
    ]);
    expect(received).toEqual([event]);
    expect(account.sqs.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] }).Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('lists without sending on a dry run, and leaves records it must not send', async () => {
    const { account, received, QueueUrl, record, dispatcherArn } = setup();
    account.sqs.sendMessage({ QueueUrl, MessageBody: record(dispatcherArn, { id: 1 }) });
    account.sqs.sendMessage({
      QueueUrl,
      MessageBody: record('arn:aws:lambda:us-east-1:999999999999:function:evil', { id: 2 }),
    });
    account.sqs.sendMessage({ QueueUrl, MessageBody: 'not json' });
    const dry = await redriveFailedInvocations(account.clients(), QueueUrl, { dryRun: true, max: 100 });
    expect(dry.map((e) => e.action).sort()).toEqual(['listed', 'skipped', 'skipped']);
    const real = await redriveFailedInvocations(account.clients(), QueueUrl, { dryRun: false, max: 100 });
    expect(real.find((e) => e.functionName === 'evil')).toMatchObject({
      action: 'skipped',
      reason: 'a function of another account or region',
    });
    expect(received).toEqual([{ id: 1 }]);
    expect(
      account.sqs.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] }).Attributes
        ?.ApproximateNumberOfMessages,
    ).toBe('2');
  });
});
