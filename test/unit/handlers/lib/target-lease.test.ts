import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import { TargetLeases } from '../../../../handlers/lib/target-lease.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const now = t0.getTime() / 1000;
const refused = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: marshall(item) } : {}),
  });

/**
 * A DynamoDB that refuses the lease write as given (the first `refusals` writes; every one by
 * default), answers reads with `stored`, and records what it was sent.
 */
function dynamodb(write: Error, stored?: Record<string, unknown>, refusals = Number.POSITIVE_INFINITY) {
  const sent: (UpdateItemCommand | GetItemCommand)[] = [];
  let refused = 0;
  const client = {
    send: async (command: UpdateItemCommand | GetItemCommand) => {
      sent.push(command);
      if (command instanceof UpdateItemCommand && refused++ < refusals) throw write;
      return stored ? { Item: marshall(stored) } : {};
    },
  } as unknown as DynamoDBClient;
  return { leases: new TargetLeases(client, 'leases'), sent };
}

describe('TargetLeases reading who holds a target', () => {
  it('takes the holder from the refused write itself, without a second request', async () => {
    const { leases, sent } = dynamodb(
      refused({
        pk: 'target#t',
        holder: 'exec-a',
        runbook: 'dlq-replay',
        expiresAt: now + 60,
        started: true,
      }),
    );
    expect(await leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).toEqual({
      acquired: false,
      heldBy: { holder: 'exec-a', runbook: 'dlq-replay', expiresAt: now + 60, started: true },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input).toMatchObject({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  });

  it('reads the item, strongly consistent, when the refused write does not carry it', async () => {
    const { leases, sent } = dynamodb(refused(), {
      pk: 'target#t',
      holder: 'exec-a',
      runbook: 'api-5xx-spike',
      expiresAt: now + 60,
      started: false,
    });
    expect(await leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).toEqual({
      acquired: false,
      heldBy: { holder: 'exec-a', runbook: 'api-5xx-spike', expiresAt: now + 60, started: false },
    });
    expect(sent[1]).toBeInstanceOf(GetItemCommand);
    expect(sent[1]?.input).toMatchObject({ ConsistentRead: true });
  });

  it('tells its own redelivery apart from another holder, and whether the run started', async () => {
    const item = { pk: 'target#t', holder: 'exec-a', runbook: 'dlq-replay', expiresAt: now + 60 };
    const unstarted = dynamodb(refused({ ...item, started: false }), undefined, 1);
    expect(await unstarted.leases.acquire('t', 'exec-a', 'dlq-replay', 600, t0)).toEqual({
      acquired: true,
      reentrant: true,
      started: false,
    });
    // Not started yet: the redelivery renews its claim, on the condition that it still holds it.
    expect(unstarted.sent[1]?.input).toMatchObject({
      ConditionExpression: 'holder = :holder AND started = :false',
      ExpressionAttributeValues: marshall({
        ':holder': 'exec-a',
        ':runbook': 'dlq-replay',
        ':expires': now + 600,
        ':ttl': now + 600 + 86_400,
        ':false': false,
      }),
    });
    expect(
      await dynamodb(refused({ ...item, started: true })).leases.acquire(
        't',
        'exec-a',
        'dlq-replay',
        600,
        t0,
      ),
    ).toEqual({ acquired: true, reentrant: true, started: true });
  });

  it('reports a cool-down, not a holder, when only the cool-down refused the write', async () => {
    const { leases } = dynamodb(refused({ pk: 'target#t', 'cooldown_dlq-replay': now + 900 }));
    expect(await leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).toEqual({
      acquired: false,
      coolingDownUntil: new Date((now + 900) * 1000),
    });
  });

  it('reports a race, not a free target, when the lease was released between the write and the read', async () => {
    for (const stored of [undefined, { pk: 'target#t', 'cooldown_dlq-replay': now - 5 }]) {
      const { leases } = dynamodb(refused(), stored);
      expect(await leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).toEqual({
        acquired: false,
        heldBy: { holder: 'unknown', runbook: 'unknown', expiresAt: 0, started: false },
      });
    }
  });

  it('surfaces a throttled write as the error it is, even when the item could be read', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    const { leases, sent } = dynamodb(throttled, { pk: 'target#t', 'cooldown_dlq-replay': now - 5 });
    await expect(leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).rejects.toBe(throttled);
    expect(sent).toHaveLength(1);
  });

  it('names another holder’s runbook as unknown when the item lacks it', async () => {
    const { leases } = dynamodb(refused({ pk: 'target#t', holder: 'exec-a', expiresAt: now + 60 }));
    expect(await leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).toMatchObject({
      heldBy: { holder: 'exec-a', runbook: 'unknown', started: false },
    });
  });
});

describe('TargetLeases on the simulated account', () => {
  it('shows another execution whether the holder’s run has started', async () => {
    const account = new SimulatedAccount({ start: t0 });
    account.dynamodb.createTable('leases', ['pk']);
    const leases = new TargetLeases(account.clients().dynamodb, 'leases');
    await leases.acquire('t', 'exec-a', 'dlq-replay', 600, t0);
    expect(await leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).toMatchObject({
      heldBy: { holder: 'exec-a', started: false },
    });
    await leases.markStarted(['t'], 'exec-a', 600, t0);
    expect(await leases.acquire('t', 'exec-b', 'dlq-replay', 600, t0)).toMatchObject({
      heldBy: { holder: 'exec-a', started: true },
    });
  });
});
