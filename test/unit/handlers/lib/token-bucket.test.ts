import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../handlers/dlq-replay/token-bucket.js';

/** A bucket on a virtual clock, recording when each token was taken. */
function virtualBucket(rate: number, burst: number) {
  let now = 0;
  const taken: number[] = [];
  const bucket = new TokenBucket(
    rate,
    burst,
    () => new Date(now),
    async (ms) => {
      now += ms;
    },
  );
  const take = async (count: number) => {
    await bucket.take(count);
    for (let i = 0; i < count; i += 1) taken.push(now);
  };
  return { take, taken };
}

describe('TokenBucket', () => {
  it('never lets more than burst + rate through in any one second', async () => {
    const { take, taken } = virtualBucket(500, 10);
    for (let i = 0; i < 300; i += 1) await take(10);
    for (const start of taken) {
      const inWindow = taken.filter((t) => t >= start && t < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(510);
    }
  });

  it('holds the rate on average over a long run', async () => {
    const { take, taken } = virtualBucket(500, 10);
    for (let i = 0; i < 500; i += 1) await take(10);
    // After the first burst, tokens come at the rate and no faster.
    const seconds = ((taken.at(-1) ?? 0) - (taken[0] ?? 0)) / 1000;
    expect((taken.length - 10) / seconds).toBeCloseTo(500, 6);
  });

  it('lets a take larger than the burst through, paid back by waiting', async () => {
    const { take, taken } = virtualBucket(100, 10);
    await take(50);
    expect(taken.at(-1)).toBe(400);
  });
});
