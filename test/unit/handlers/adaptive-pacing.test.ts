import { describe, expect, it } from 'vitest';
import { AdaptivePacing, type PacingProgress } from '../../../handlers/dlq-replay/adaptive-pacing.js';
import type { ConsumerSignals } from '../../../handlers/dlq-replay/consumer-signals.js';
import { TokenBucket } from '../../../handlers/dlq-replay/token-bucket.js';

const control = {
  capPerSecond: 500,
  floorPerSecond: 5,
  increasePerSecond: 50,
  decreaseFactor: 0.5,
  intervalSeconds: 1,
  pauseLimitSeconds: 120,
  ceilingHoldSeconds: 120,
};

/**
 * Pacing on a clock the test moves, reading a backlog the consumer keeps working down, and (when
 * given) the consumer's metrics: the minutes it was asked for are kept.
 */
function pacing(progress: PacingProgress, consumer?: (minute: number) => ConsumerSignals) {
  const asked: string[] = [];
  let at = Date.parse('2026-03-02T09:00:00Z');
  let backlog = 1_000;
  const now = () => new Date(at);
  const sleep = async (ms: number) => {
    at += ms;
  };
  const paced = new AdaptivePacing(
    {
      control,
      burst: 0,
      bucket: new TokenBucket(progress.rate ?? 100, 10, now, sleep),
      now,
      sleep,
      backlog: async () => {
        backlog -= 10;
        return backlog;
      },
      consumer: consumer
        ? async (minute) => {
            asked.push(new Date(minute).toISOString().slice(11, 16));
            return consumer(minute);
          }
        : undefined,
    },
    progress,
  );
  /** One control interval later, with 100 messages sent meanwhile. */
  const second = async () => {
    at += 1_000;
    progress.replayed += 100;
    await paced.adapt();
  };
  return { second, asked };
}

describe('AdaptivePacing', () => {
  it('climbs back to the ceiling trouble left and holds there, then probes past it once the ceiling is old', async () => {
    const start = Date.parse('2026-03-02T09:00:00Z');
    const progress: PacingProgress = {
      replayed: 0,
      landedBack: 0,
      rate: 236,
      rateCuts: 1,
      ceiling: { rate: 240, since: new Date(start).toISOString() },
    };
    const { second } = pacing(progress);
    await second(); // the first reading: nothing to compare yet
    await second();
    expect(progress.rate).toBe(240);
    for (let i = 0; i < 60; i += 1) await second();
    expect(progress.rate).toBe(240);
    // Two minutes without trouble: the ceiling lapses, and the rate probes a hundredth of the cap a second.
    for (let i = 0; i < 62; i += 1) await second();
    expect(progress.rate).toBeGreaterThan(240);
    expect(progress.rateLog?.at(-1)).toMatchObject({ reason: 'the consumer keeps up' });
  });

  it('sets a ceiling of four fifths of the rate that had trouble', async () => {
    const progress: PacingProgress = { replayed: 0, landedBack: 0, rate: 300 };
    const { second } = pacing(progress);
    await second();
    progress.landedBack += 3; // replayed messages came back: trouble
    await second();
    expect(progress.rate).toBe(150);
    expect(progress.ceiling).toMatchObject({ rate: 240 });
  });

  it("cuts when the consumer's errors rose, once a minute, unless a cut in that minute answered them", async () => {
    const rising = { trouble: "orders-consumer's errors rose to 40 a minute (from 0)" };
    const progress: PacingProgress = { replayed: 0, landedBack: 0, rate: 300 };
    const { second, asked } = pacing(progress, () => rising);
    await second(); // 09:00:01, the first reading
    await second(); // reads the minute before 09:00: errors rose, nothing cut since
    expect(progress.rate).toBe(150);
    expect(progress.rateLog?.at(-1)).toMatchObject({ reason: rising.trouble });
    for (let i = 0; i < 57; i += 1) await second(); // to 09:00:59
    expect(asked).toEqual(['09:00']);
    // 09:01: the minute before held the cut, which answered its errors: no second cut for them.
    await second();
    expect(asked).toEqual(['09:00', '09:01']);
    expect(progress.rateCuts).toBe(1);
  });

  it('holds the rate while the consumer runs at its concurrency limit', async () => {
    const atLimit = 'orders-consumer runs 10 executions at once, its limit (10)';
    const progress: PacingProgress = { replayed: 0, landedBack: 0, rate: 200 };
    const { second } = pacing(progress, () => ({ atLimit }));
    for (let i = 0; i < 5; i += 1) await second();
    expect(progress.rate).toBe(200);
    expect(progress.rateLog?.at(-1)?.reason).not.toBe(atLimit); // a hold changes no rate, logs nothing
    const free: PacingProgress = { replayed: 0, landedBack: 0, rate: 200 };
    const freed = pacing(free, () => ({}));
    for (let i = 0; i < 5; i += 1) await freed.second();
    expect(free.rate).toBeGreaterThan(200);
  });
});
