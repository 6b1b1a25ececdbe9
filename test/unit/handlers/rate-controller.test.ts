import { describe, expect, it } from 'vitest';
import { nextRate, type RateControl } from '../../../handlers/dlq-replay/rate-controller.js';

const control: RateControl = {
  capPerSecond: 500,
  floorPerSecond: 5,
  increasePerSecond: 50,
  decreaseFactor: 0.5,
};
const steady = {
  sent: 200,
  backlogBefore: 100,
  backlogAfter: 110,
  cameBack: 0,
  burst: 0,
  growthsBefore: [],
  sentBefore: [],
};

describe('nextRate', () => {
  it('adds the increase while the consumer keeps up, never above the cap', () => {
    expect(nextRate(200, control, steady, { cutBefore: false, paused: false })).toEqual({
      rate: 250,
      change: 'up',
      reason: 'the consumer keeps up',
    });
    expect(nextRate(480, control, steady, { cutBefore: false, paused: false })).toMatchObject({
      rate: 500,
      change: 'up',
    });
    expect(nextRate(500, control, steady, { cutBefore: false, paused: false })).toEqual({
      rate: 500,
      change: 'hold',
      reason: 'at the cap',
    });
  });

  it('probes a tenth as fast once it was cut', () => {
    expect(nextRate(200, control, steady, { cutBefore: true, paused: false })).toMatchObject({
      rate: 205,
      change: 'up',
    });
  });

  it('climbs back no higher than the ceiling trouble left, and says why it holds', () => {
    const state = { cutBefore: true, paused: false, ceiling: 240 };
    expect(nextRate(237, control, steady, state)).toMatchObject({ rate: 240, change: 'up' });
    expect(nextRate(240, control, steady, state)).toEqual({
      rate: 240,
      change: 'hold',
      reason: 'under the rate that caused trouble',
    });
  });

  it('cuts when the backlog grew five intervals running, however little', () => {
    const creeping = { ...steady, backlogAfter: 102, sentBefore: [200, 200, 200, 200] };
    const state = { cutBefore: true, paused: false };
    expect(nextRate(260, control, { ...creeping, growthsBefore: [1, 2, 1, 3] }, state)).toMatchObject({
      rate: 130,
      change: 'down',
    });
    // One interval where the consumer gained on it: keeping up, with the source's noise.
    expect(nextRate(260, control, { ...creeping, growthsBefore: [1, -2, 1, 3] }, state).change).toBe('up');
  });

  it('cuts on two readings running over a tenth of what was sent, not on one the batches in flight explain', async () => {
    // 400 sent: a tenth is 40; the workers' batches in flight explain another 40.
    const reading = { ...steady, sent: 400, burst: 40, backlogBefore: 100, backlogAfter: 145 };
    const state = { cutBefore: false, paused: false };
    expect(
      nextRate(400, control, { ...reading, growthsBefore: [0, 45], sentBefore: [400, 400] }, state),
    ).toMatchObject({
      rate: 200,
      change: 'down',
    });
    expect(
      nextRate(400, control, { ...reading, growthsBefore: [0, 30], sentBefore: [400, 400] }, state).change,
    ).toBe('up');
    expect(nextRate(400, control, { ...reading, growthsBefore: [], sentBefore: [] }, state).change).toBe(
      'up',
    );
    // The tolerance grows with what was sent: 1,000 sent allows 100.
    expect(
      nextRate(
        400,
        control,
        { ...reading, sent: 1_000, growthsBefore: [0, 45], sentBefore: [1_000, 1_000] },
        state,
      ).change,
    ).toBe('up');
  });

  it('cuts on three small growths running that add up to more than a tenth of the three intervals’ sends', async () => {
    const state = { cutBefore: true, paused: false };
    const small = (growth: number, before: number[]) => ({
      ...steady,
      sent: 100,
      burst: 40,
      backlogBefore: 100,
      backlogAfter: 100 + growth,
      growthsBefore: before,
      sentBefore: [100, 100],
    });
    // 36 over 300 sent: more than a tenth.
    expect(nextRate(100, control, small(12, [12, 12]), state).change).toBe('down');
    // 15 over 300 sent: the source's own noise.
    expect(nextRate(100, control, small(5, [5, 5]), state).change).toBe('up');
    // One of the three went down: the consumer gained on it.
    expect(nextRate(100, control, small(12, [12, -1]), state).change).toBe('up');
    expect(nextRate(100, control, small(12, [-1, 12]), state).change).toBe('up');
    expect(nextRate(100, control, small(12, [12]), state).change).toBe('up');
  });

  it('halves when the backlog grows by more than a tenth of what was sent, never below the floor', () => {
    const growing = { ...steady, backlogAfter: 100 + 21 };
    expect(nextRate(300, control, growing, { cutBefore: false, paused: false })).toEqual({
      rate: 150,
      change: 'down',
      reason: "the source queue's backlog grew by 21 (100 → 121)",
    });
    expect(nextRate(8, control, growing, { cutBefore: true, paused: false })).toMatchObject({
      rate: 5,
      change: 'down',
    });
    expect(nextRate(5, control, growing, { cutBefore: true, paused: false })).toMatchObject({
      rate: 5,
      change: 'pause',
    });
  });

  it('stays paused until the consumer works the backlog down, then resumes slowly', () => {
    const paused = { cutBefore: true, paused: true };
    const idle = {
      sent: 0,
      backlogBefore: 300,
      backlogAfter: 300,
      cameBack: 0,
      burst: 0,
      growthsBefore: [],
      sentBefore: [],
    };
    expect(nextRate(5, control, idle, paused)).toEqual({
      rate: 5,
      change: 'pause',
      reason: "the source queue's backlog is not going down (300)",
    });
    expect(nextRate(5, control, { ...idle, backlogAfter: 250 }, paused)).toMatchObject({
      rate: 10,
      change: 'up',
    });
  });

  it('takes the workers’ last batches and two more for noise, and a returning message for trouble', () => {
    const burst = {
      sent: 100,
      backlogBefore: 0,
      backlogAfter: 60,
      cameBack: 0,
      burst: 40,
      growthsBefore: [],
      sentBefore: [],
    };
    expect(nextRate(100, control, burst, { cutBefore: false, paused: false }).change).toBe('up');
    expect(
      nextRate(100, control, { ...burst, backlogAfter: 61 }, { cutBefore: false, paused: false }).change,
    ).toBe('down');
    expect(
      nextRate(
        100,
        control,
        {
          sent: 100,
          backlogBefore: 0,
          backlogAfter: 20,
          cameBack: 0,
          burst: 0,
          growthsBefore: [],
          sentBefore: [],
        },
        { cutBefore: false, paused: false },
      ).change,
    ).toBe('up');
    expect(nextRate(100, control, { ...steady, cameBack: 1 }, { cutBefore: false, paused: false })).toEqual({
      rate: 50,
      change: 'down',
      reason: '1 replayed message(s) came back to the DLQ',
    });
  });

  it("cuts on the consumer's own trouble, and holds while it runs at its limit (not while paused)", () => {
    const free = { cutBefore: false, paused: false };
    const erring = { trouble: "orders-consumer's errors rose to 40 a minute (from 0)" };
    expect(nextRate(200, control, { ...steady, consumer: erring }, free)).toEqual({
      rate: 100,
      change: 'down',
      reason: erring.trouble,
    });
    const atLimit = 'orders-consumer runs 10 executions at once, its limit (10)';
    expect(nextRate(200, control, { ...steady, consumer: { atLimit } }, free)).toEqual({
      rate: 200,
      change: 'hold',
      reason: atLimit,
    });
    const caughtUp = { ...steady, backlogBefore: 100, backlogAfter: 50, consumer: { atLimit } };
    expect(nextRate(5, control, caughtUp, { cutBefore: true, paused: true }).change).toBe('up');
  });

  it('raises nothing right after a cut while the backlog still grows, and resumes once it does not', () => {
    const justCut = { cutBefore: true, paused: false, justCut: true };
    expect(nextRate(100, control, { ...steady, backlogAfter: 101 }, justCut)).toEqual({
      rate: 100,
      change: 'hold',
      reason: "the source queue's backlog still grows after the cut (by 1)",
    });
    expect(nextRate(100, control, { ...steady, backlogAfter: 100 }, justCut)).toMatchObject({
      rate: 105,
      change: 'up',
    });
  });

  it('takes a backlog growing by all that was sent twice running for a stalled consumer, however slow', () => {
    const free = { cutBefore: true, paused: false };
    const stalled = { ...steady, sent: 8, backlogAfter: 108, growthsBefore: [8], sentBefore: [8] };
    expect(nextRate(8, control, stalled, free)).toMatchObject({ rate: 5, change: 'down' });
    // Once is a reading taken before the consumer polled; some of it taken is a consumer working.
    expect(nextRate(8, control, { ...stalled, growthsBefore: [0] }, free).change).toBe('up');
    expect(nextRate(8, control, { ...stalled, backlogAfter: 107 }, free).change).toBe('up');
  });
});
