import {
  type DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetLeases } from '../../handlers/lib/target-lease.js';
import { type DynamoBackend, leaseTableBackends } from '../support/dynalite-server.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const epoch = (at: Date) => at.getTime() / 1000;

// The same behaviour is asserted against dynalite (a DynamoDB implementation) and against the
// simulated account's DynamoDB, so the game day's leases behave like the deployed ones.
const backends = leaseTableBackends(t0);

describe.each(backends)('TargetLeases on %s', (_name, start) => {
  let backend: DynamoBackend;
  let leases: TargetLeases;
  let target = 0;
  const nextTarget = () => `lambda:fn-${++target}:live`;

  beforeAll(async () => {
    backend = await start();
    leases = new TargetLeases(backend.client, 'leases');
  });
  afterAll(() => backend.stop());

  it('grants a free target and refuses it to another execution', async () => {
    const t = nextTarget();
    expect(await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, t0)).toEqual({
      acquired: true,
      reentrant: false,
      started: false,
    });
    const second = await leases.acquire(t, 'exec-b', 'dlq-replay', 600, later(10));
    expect(second).toMatchObject({ acquired: false, heldBy: { holder: 'exec-a', runbook: 'api-5xx-spike' } });
  });

  it('lets the holder acquire again (a redelivered event) and remembers that it started', async () => {
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, t0);
    await leases.markStarted([t], 'exec-a', 600, later(1));
    expect(await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, later(5))).toEqual({
      acquired: true,
      reentrant: true,
      started: true,
    });
  });

  it('hands over an expired lease', async () => {
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 60, t0);
    expect(await leases.acquire(t, 'exec-b', 'api-5xx-spike', 60, later(120))).toMatchObject({
      acquired: true,
      reentrant: false,
    });
  });

  it('releases only the holder’s lease and starts that runbook’s cool-down on the target', async () => {
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, t0);
    expect(await leases.release(t, 'exec-b', 'api-5xx-spike', 0, later(1))).toBe(false);
    expect((await leases.acquire(t, 'exec-c', 'api-5xx-spike', 600, later(2))).acquired).toBe(false);
    expect(await leases.release(t, 'exec-a', 'api-5xx-spike', 1800, later(3))).toBe(true);
    expect(await leases.release(t, 'exec-a', 'api-5xx-spike', 1800, later(4))).toBe(false);
    expect(await leases.acquire(t, 'exec-c', 'api-5xx-spike', 600, later(5))).toEqual({
      acquired: false,
      coolingDownUntil: later(3 + 1800),
    });
    expect(await leases.acquire(t, 'exec-d', 'dlq-replay', 600, later(6))).toMatchObject({ acquired: true });
    expect(await leases.release(t, 'exec-d', 'dlq-replay', 0, later(7))).toBe(true);
    expect(await leases.acquire(t, 'exec-e', 'api-5xx-spike', 600, later(3 + 1800))).toMatchObject({
      acquired: true,
    });
  });

  it('lets a human override the cool-down, never the lock', async () => {
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, t0);
    await leases.release(t, 'exec-a', 'api-5xx-spike', 1800, later(1));
    expect(
      await leases.acquire(t, 'exec-b', 'api-5xx-spike', 600, later(2), { ignoreCooldown: true }),
    ).toMatchObject({ acquired: true });
    expect(
      await leases.acquire(t, 'exec-c', 'api-5xx-spike', 600, later(3), { ignoreCooldown: true }),
    ).toMatchObject({
      acquired: false,
      heldBy: { holder: 'exec-b' },
    });
  });

  it('tells a redelivered event whose start was never recorded that the run has not started', async () => {
    // A dispatcher that crashed between taking the lease and starting the execution: the redelivery
    // must start it, or the event is lost and the target stays locked until the lease expires.
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, t0);
    expect(await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, later(5))).toEqual({
      acquired: true,
      reentrant: true,
      started: false,
    });
  });

  it('gives a started run the full lease on every key, and a claim that lapsed unstarted to another', async () => {
    const [t, queue] = [nextTarget(), nextTarget()];
    await leases.acquireAll([t, queue], 'exec-a', 'dlq-replay', 300, t0);
    await leases.markStarted([t, queue], 'exec-a', 7200, later(10));
    for (const key of [t, queue])
      expect(await leases.acquire(key, 'exec-b', 'api-5xx-spike', 300, later(3600))).toMatchObject({
        acquired: false,
        heldBy: { holder: 'exec-a', started: true, expiresAt: epoch(later(7210)) },
      });

    // A dispatch cut off after taking its claim, its retries failing too: its claim lapses.
    const cutOff = nextTarget();
    await leases.acquire(cutOff, 'exec-c', 'dlq-replay', 300, t0);
    expect(
      await leases.acquire(cutOff, 'exec-d', 'dlq-replay', 300, later(301), { running: async () => false }),
    ).toEqual({
      acquired: true,
      reentrant: false,
      started: false,
    });
  });

  it('keeps a lapsed claim whose execution runs, and lets a retried dispatch renew its claim', async () => {
    // The dispatch started the execution and was cut off before marking it started.
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 300, t0);
    const asked: string[] = [];
    const running = async (held: { holder: string }) => {
      asked.push(held.holder);
      return true;
    };
    expect(await leases.acquire(t, 'exec-b', 'api-5xx-spike', 300, later(400), { running })).toMatchObject({
      acquired: false,
      heldBy: { holder: 'exec-a', started: false },
    });
    expect(asked).toEqual(['exec-a']);

    const retried = nextTarget();
    await leases.acquire(retried, 'exec-c', 'api-5xx-spike', 300, t0);
    expect(await leases.acquire(retried, 'exec-c', 'api-5xx-spike', 300, later(290))).toEqual({
      acquired: true,
      reentrant: true,
      started: false,
    });
    // Renewed at 290 s: still held at 301 s without asking whether it runs.
    expect(
      await leases.acquire(retried, 'exec-d', 'api-5xx-spike', 300, later(301), { running }),
    ).toMatchObject({
      acquired: false,
      heldBy: { holder: 'exec-c', expiresAt: epoch(later(590)) },
    });
    expect(asked).toEqual(['exec-a']);
  });

  it('holds a lease up to its last second and hands it over the second after', async () => {
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 60, t0);
    expect(await leases.acquire(t, 'exec-b', 'api-5xx-spike', 60, later(60))).toMatchObject({
      acquired: false,
      heldBy: { holder: 'exec-a', expiresAt: epoch(later(60)) },
    });
    expect(await leases.acquire(t, 'exec-b', 'api-5xx-spike', 60, later(61))).toMatchObject({
      acquired: true,
    });
  });

  it('keeps the item (DynamoDB TTL) until after both the lease and the cool-down', async () => {
    const t = nextTarget();
    await leases.acquire(t, 'exec-a', 'api-5xx-spike', 600, t0);
    const ttl = async () => {
      const { Item } = await backend.client.send(
        new GetItemCommand({ TableName: 'leases', Key: marshall({ pk: `target#${t}` }) }),
      );
      return Number(unmarshall(Item ?? {}).ttl);
    };
    expect(await ttl()).toBeGreaterThan(epoch(later(600)));
    await leases.release(t, 'exec-a', 'api-5xx-spike', 1800, later(10));
    expect(await ttl()).toBeGreaterThan(epoch(later(10 + 1800)));
  });

  it('lets exactly one of many concurrent acquirers win', async () => {
    const t = nextTarget();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => leases.acquire(t, `exec-${i}`, 'api-5xx-spike', 600, t0)),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
  });
});

describe('TargetLeases when DynamoDB fails', () => {
  const failing = new TargetLeases(
    {
      send: () =>
        Promise.reject(
          new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }),
        ),
    } as unknown as DynamoDBClient,
    'leases',
  );

  it('surfaces a throttle as an error, never as a locked target or a lease not held', async () => {
    await expect(failing.acquire('lambda:fn:live', 'exec-a', 'api-5xx-spike', 600, t0)).rejects.toThrow(
      ProvisionedThroughputExceededException,
    );
    await expect(failing.release('lambda:fn:live', 'exec-a', 'api-5xx-spike', 600, t0)).rejects.toThrow(
      ProvisionedThroughputExceededException,
    );
  });
});
