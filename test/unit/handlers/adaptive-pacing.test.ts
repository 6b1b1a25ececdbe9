import { describe, expect, it } from 'vitest';
import { AdaptivePacing, type PacingProgress } from '../../../handlers/dlq-replay/adaptive-pacing.js';
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

/** Pacing on a clock the test moves, reading a backlog the consumer keeps working down. */
function pacing(progress: PacingProgress) {
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
    },
    progress,
  );
  /** One control interval later, with 100 messages sent meanwhile. */
  const second = async () => {
    at += 1_000;
    progress.replayed += 100;
    await paced.adapt();
  };
  return { second };
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
});
