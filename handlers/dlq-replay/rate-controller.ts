import type { ConsumerSignals } from './consumer-signals.js';

/**
 * How the adaptive replay paces itself (additive increase, multiplicative decrease, as TCP's
 * congestion control): a little faster every interval the consumer keeps up, much slower at the
 * first sign it does not.
 */
export interface RateControl {
  /** Never above this: the environment's guardrail. */
  readonly capPerSecond: number;
  /** Never below this while replaying. */
  readonly floorPerSecond: number;
  /**
   * Added every interval the consumer keeps up, until the first sign of trouble; a tenth of it
   * after (TCP's slow start, then congestion avoidance): the rate found is near the consumer's
   * limit, and probing past it again costs the consumer errors.
   */
  readonly increasePerSecond: number;
  /** The rate is multiplied by this at the first sign of trouble. */
  readonly decreaseFactor: number;
}

/** What one control interval showed, from the queues' attributes and the run's own counts. */
export interface RateSignals {
  /** Messages the replay sent to the source queue in the interval. */
  readonly sent: number;
  /** The source queue's backlog (visible and in flight) at the interval's start and end. */
  readonly backlogBefore: number;
  readonly backlogAfter: number;
  /** Replayed messages that came back to the DLQ in the interval. */
  readonly cameBack: number;
  /** What the replay may have sent that no consumer could have polled yet: a batch per worker. */
  readonly burst: number;
  /** How much the backlog grew in the intervals before this one, the latest last (up to four). */
  readonly growthsBefore: readonly number[];
  /** What the replay sent in those intervals, in the same order. */
  readonly sentBefore: readonly number[];
  /** What the consumer's own metrics say, where the replay watches them (see consumer-signals.ts). */
  readonly consumer?: ConsumerSignals;
}

/** The next interval's rate, and why. */
export interface RateStep {
  readonly rate: number;
  /** `pause`: trouble at the floor, so nothing more is sent until the consumer catches up. */
  readonly change: 'up' | 'down' | 'hold' | 'pause';
  readonly reason: string;
}

/**
 * How much a backlog may grow in an interval before it counts as the consumer falling behind: a
 * tenth of what was sent, and never less than two batches, so the source's own traffic arriving
 * between two readings is not taken for it.
 */
function tolerance(signals: RateSignals): number {
  return Math.max(20, 0.1 * signals.sent);
}

/** Intervals of growth running, however small, that say a consumer falls behind by a little. */
const creepIntervals = 5;

/**
 * Whether the backlog's growth says the consumer falls behind: in one interval by more than the
 * workers' last batches could explain (a reading taken right after a burst, before any consumer
 * polled, shows that much and no more); over the tolerance in two intervals running; in three
 * running by more than a tenth of what they sent together, however slowly (a stalled consumer
 * under a replay at its floor); or in five running at all (a consumer failing on the few messages
 * a second sent above its capacity: those stay in flight, and a backlog a consumer keeps up with
 * goes down between its polls).
 */
function fallingBehind(signals: RateSignals, growth: number): boolean {
  const allowed = tolerance(signals);
  const last = signals.growthsBefore.at(-1);
  const secondLast = signals.growthsBefore.at(-2);
  if (growth > allowed + signals.burst) return true;
  if (last !== undefined && growth > allowed && last > allowed) return true;
  // Twice running the backlog grew by all that was sent: the consumer takes nothing (stalled).
  const lastSent = signals.sentBefore.at(-1);
  if (last !== undefined && lastSent && signals.sent > 0 && growth >= signals.sent && last >= lastSent)
    return true;
  if (secondLast === undefined || last === undefined) return false;
  const risen = growth + last + secondLast;
  const sent = signals.sent + signals.sentBefore.slice(-2).reduce((a, b) => a + b, 0);
  if (growth > 0 && last > 0 && secondLast > 0 && risen > Math.max(10, 0.1 * sent)) return true;
  const running = [...signals.growthsBefore.slice(-(creepIntervals - 1)), growth];
  return running.length === creepIntervals && running.every((g) => g > 0);
}

/**
 * After trouble, the rate climbs back to at most this share of the rate it had: the consumer's
 * limit lies below it (trouble is seen an interval or more late). Probing past it again waits
 * until the ceiling is old (see AdaptivePacing), since every probe above the limit costs the
 * consumer errors, and each error a visibility timeout before the message is handled.
 */
export const ceilingFactor = 0.8;

/**
 * The rate for the next interval: cut at once when replayed messages came back, the consumer's
 * errors or throttles rose, or the source's backlog grew (see fallingBehind), down to the floor and
 * then paused; held while the consumer runs at its concurrency limit; raised otherwise (never over
 * the cap), which also ends a pause.
 */
export function nextRate(
  rate: number,
  control: RateControl,
  signals: RateSignals,
  state: {
    /** Whether the rate was cut before in this replay. */
    readonly cutBefore: boolean;
    /** Whether the rate was cut at the reading before: a backlog still growing then is no room to climb. */
    readonly justCut?: boolean;
    /** Whether the replay is paused. */
    readonly paused: boolean;
    /** The rate it climbs back to and holds, after trouble; none: it probes on. */
    readonly ceiling?: number | undefined;
  },
): RateStep {
  const growth = signals.backlogAfter - signals.backlogBefore;
  const trouble =
    signals.cameBack > 0
      ? `${signals.cameBack} replayed message(s) came back to the DLQ`
      : signals.consumer?.trouble !== undefined
        ? signals.consumer.trouble
        : fallingBehind(signals, growth)
          ? `the source queue's backlog grew by ${growth} (${signals.backlogBefore} → ${signals.backlogAfter})`
          : undefined;
  if (trouble) {
    const cut = Math.max(control.floorPerSecond, Math.floor(rate * control.decreaseFactor));
    return { rate: cut, change: cut < rate ? 'down' : 'pause', reason: trouble };
  }
  // A pause ends when the consumer works the backlog down, not merely when nothing new piles up.
  if (state.paused && signals.backlogAfter > 0 && signals.backlogAfter >= signals.backlogBefore)
    return {
      rate,
      change: 'pause',
      reason: `the source queue's backlog is not going down (${signals.backlogAfter})`,
    };
  if (state.justCut && !state.paused && growth > 0)
    return {
      rate,
      change: 'hold',
      reason: `the source queue's backlog still grows after the cut (by ${growth})`,
    };
  // At its limit the consumer takes no more: what more is sent only waits in the queue.
  if (signals.consumer?.atLimit !== undefined && !state.paused)
    return { rate, change: 'hold', reason: signals.consumer.atLimit };
  const increase = state.cutBefore
    ? Math.max(1, Math.round(control.increasePerSecond / 10))
    : control.increasePerSecond;
  const limit = Math.min(control.capPerSecond, state.ceiling ?? Number.POSITIVE_INFINITY);
  const raised = Math.max(rate, Math.min(limit, rate + increase));
  return {
    rate: raised,
    change: raised > rate ? 'up' : 'hold',
    reason:
      raised > rate
        ? 'the consumer keeps up'
        : limit < control.capPerSecond
          ? 'under the rate that caused trouble'
          : 'at the cap',
  };
}
