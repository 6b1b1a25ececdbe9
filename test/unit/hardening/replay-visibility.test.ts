import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { withReplayMarks } from '../../../handlers/dlq-replay/replay-attributes.js';
import { replayBatch } from '../../../handlers/dlq-replay/replay-batch.js';
import { dlqAccount } from '../../support/dlq-account.js';

const run = 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:test';

describe('messages that came back during a replay', () => {
  it('are refused visibility beyond 12 hours from their receive by the simulated SQS, as by SQS', async () => {
    const { account, dlqUrl } = dlqAccount();
    account.sqs.sendMessage({ QueueUrl: dlqUrl, MessageBody: '{}' });
    const sqs = account.clients().sqs;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, VisibilityTimeout: 120 }),
    );
    account.advance(600);
    const hide = (seconds: number) =>
      sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: [{ Id: '0', ReceiptHandle: Messages[0]?.ReceiptHandle ?? '', VisibilityTimeout: seconds }],
        }),
      );
    const refused = await hide(43_200 - 599);
    expect(refused.Failed?.[0]).toMatchObject({ Id: '0', SenderFault: true, Code: 'InvalidParameterValue' });
    expect((await hide(43_200 - 600)).Successful).toHaveLength(1);
  });

  it('are hidden within the cap, counted once, and every failed entry is counted', async () => {
    const world = dlqAccount();
    for (let i = 0; i < 5; i += 1) {
      world.account.sqs.sendMessage({
        QueueUrl: world.dlqUrl,
        MessageBody: JSON.stringify({ orderId: i }),
        MessageAttributes: withReplayMarks({}, { originalId: `m${i}`, replayCount: 1, execution: run }),
      });
    }
    const input = world.input({ dlqAtStart: 5, stopAfterLandedBack: 1_000 });
    const first = await replayBatch(input, world.deps);
    expect(first).toMatchObject({ landedBack: 5, hidden: 5, failedEntries: 0, replayed: 0, done: true });
    // Hidden for nearly 12 hours: a second invocation an hour later sees nothing to move or recount.
    world.account.advance(3600);
    expect(world.account.sqs.depth(world.dlqUrl)).toEqual({ visible: 0, inFlight: 5 });
    const second = await replayBatch({ ...input, budgetSeconds: 1, progress: first }, world.deps);
    expect(second).toMatchObject({ landedBack: 5, hidden: 5, failedEntries: 0, done: true });
  });
});
