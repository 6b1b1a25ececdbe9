import type { StepDeps } from '../lib/step-deps.js';
import { type ConsumerSignals, minuteMs, minuteOf } from './consumer-signals.js';
import type { AdaptiveControl } from './plan-replay.js';
import { ceilingFactor, nextRate, type RateControl, type RateStep } from './rate-controller.js';
import type { TokenBucket } from './token-bucket.js';

/** What the adaptive pacing keeps in the replay's progress, so the next invocation carries on. */
export interface PacingProgress {
  replayed: number;
  landedBack: number;
  rate?: number | undefined;
  rateCuts?: number | undefined;
  pausedSince?: string | null | undefined;
  rateLog?: { at: string; rate: number; reason: string }[] | undefined;
  readings?: { backlog: number; growths: number[]; sents: number[]; cut?: boolean | undefined } | undefined;
  /** The rate the replay climbs back to after trouble, and since when (ISO time). */
  ceiling?: { rate: number; since: string } | null | undefined;
  /** The minute whose start the consumer's metrics were last read at, and whether it ran at its limit. */
  consumer?: { minute: string; atLimit: string | null } | undefined;
}

/** Intervals of readings kept: the controller looks at the latest five growths. */
const readingsKept = 4;

/** How the pacing is configured for one invocation. */
export interface PacingSetup extends Pick<StepDeps, 'now' | 'sleep'> {
  readonly control: RateControl &
    Pick<AdaptiveControl, 'intervalSeconds' | 'pauseLimitSeconds' | 'ceilingHoldSeconds'>;
  /** What the workers may have sent that no consumer polled yet: a batch each. */
  readonly burst: number;
  readonly bucket: TokenBucket;
  /** The source queue's backlog now: visible and in flight. */
  readonly backlog: () => Promise<number>;
  /** What the consumer's metrics say up to the minute starting at `minute`; none: not watched. */
  readonly consumer?: ((minute: number) => Promise<ConsumerSignals>) | undefined;
}

/** A change of rate, kept in the progress's log (the latest 50). */
function logged(progress: PacingProgress, at: string, rate: number, reason: string): void {
  progress.rateLog = [...(progress.rateLog ?? []), { at, rate, reason }].slice(-50);
}

/**
 * The adaptive replay's pacing within one invocation: every control interval, one worker reads
 * the source's backlog and sets the token bucket's rate (see rate-controller.ts); trouble at the
 * floor pauses sending, and a pause longer than the limit ends the run. The readings, cuts and
 * pause live in the progress: at a low rate an interval can outlast an invocation.
 */
export class AdaptivePacing {
  private adapting = false;
  private last:
    | {
        at: number;
        backlog: number;
        replayed: number;
        landedBack: number;
        /** The backlog's growth and what was sent in the latest intervals (four at most). */
        growths: number[];
        sents: number[];
        /** Whether the rate was cut at this reading. */
        cut: boolean;
      }
    | undefined;

  constructor(
    private readonly setup: PacingSetup,
    private readonly progress: PacingProgress,
  ) {
    const readings = progress.readings;
    if (readings)
      this.last = {
        at: setup.now().getTime(),
        backlog: readings.backlog,
        replayed: progress.replayed,
        landedBack: progress.landedBack,
        growths: [...readings.growths],
        sents: [...readings.sents],
        cut: readings.cut === true,
      };
  }

  /** Reads the backlog and sets the next interval's rate, when an interval has passed. */
  async adapt(): Promise<void> {
    const { control, now } = this.setup;
    const at = now().getTime();
    const last = this.last;
    if (this.adapting || (last && at - last.at < control.intervalSeconds * 1000)) return;
    this.adapting = true;
    try {
      const backlog = await this.setup.backlog();
      const change = last ? this.step(last, backlog, await this.consumerSignals(at)) : undefined;
      // A growth a cut answered counts as none: no later run of growths is judged with it again.
      const growth = last && change !== 'down' ? backlog - last.backlog : 0;
      this.last = {
        at,
        backlog,
        replayed: this.progress.replayed,
        landedBack: this.progress.landedBack,
        growths: last ? [...last.growths, growth].slice(-readingsKept) : [],
        sents: last ? [...last.sents, this.progress.replayed - last.replayed].slice(-readingsKept) : [],
        cut: change === 'down',
      };
      this.progress.readings = {
        backlog,
        growths: this.last.growths,
        sents: this.last.sents,
        cut: this.last.cut,
      };
    } finally {
      this.adapting = false;
    }
  }

  /**
   * While paused, waits an interval and returns undefined; once the pause lasted longer than the
   * limit, returns why the run stops. Not paused: returns undefined at once.
   */
  async whilePaused(): Promise<string | undefined> {
    const { control, now, sleep } = this.setup;
    if (!this.progress.pausedSince) return undefined;
    const pausedFor = (now().getTime() - Date.parse(this.progress.pausedSince)) / 1000;
    if (pausedFor >= control.pauseLimitSeconds)
      return `the consumer fell behind even at ${control.floorPerSecond}/s: paused ${Math.round(pausedFor)} s, then stopped (${this.progress.replayed} replayed)`;
    await sleep(control.intervalSeconds * 1000);
    return undefined;
  }

  /** Whether sending is paused. */
  get paused(): boolean {
    return Boolean(this.progress.pausedSince);
  }

  /** The ceiling in force: none once it held long enough without trouble. */
  private ceiling(): number | undefined {
    const ceiling = this.progress.ceiling;
    if (!ceiling) return undefined;
    const heldFor = (this.setup.now().getTime() - Date.parse(ceiling.since)) / 1000;
    return heldFor < this.setup.control.ceilingHoldSeconds ? ceiling.rate : undefined;
  }

  /**
   * The consumer's signals, read once a minute (its metrics come per minute). Errors of a minute
   * in which the rate was cut already (or since) are the trouble that cut answered, not new.
   */
  private async consumerSignals(at: number): Promise<ConsumerSignals> {
    const read = this.setup.consumer;
    if (!read) return {};
    const minute = minuteOf(at);
    const known = this.progress.consumer;
    if (known && Date.parse(known.minute) >= minute) return known.atLimit ? { atLimit: known.atLimit } : {};
    const signals = await read(minute);
    this.progress.consumer = { minute: new Date(minute).toISOString(), atLimit: signals.atLimit ?? null };
    const since = this.progress.ceiling?.since;
    const answered = since !== undefined && Date.parse(since) >= minute - minuteMs;
    return {
      ...(signals.trouble && !answered ? { trouble: signals.trouble } : {}),
      ...(signals.atLimit ? { atLimit: signals.atLimit } : {}),
    };
  }

  private step(
    last: NonNullable<AdaptivePacing['last']>,
    backlog: number,
    consumer: ConsumerSignals,
  ): RateStep['change'] {
    const { control, bucket, now } = this.setup;
    const progress = this.progress;
    const rate = progress.rate ?? control.floorPerSecond;
    const step = nextRate(
      rate,
      control,
      {
        sent: progress.replayed - last.replayed,
        backlogBefore: last.backlog,
        backlogAfter: backlog,
        cameBack: progress.landedBack - last.landedBack,
        burst: this.setup.burst,
        growthsBefore: last.growths,
        sentBefore: last.sents,
        consumer,
      },
      {
        cutBefore: (progress.rateCuts ?? 0) > 0,
        justCut: last.cut,
        paused: this.paused,
        ceiling: this.ceiling(),
      },
    );
    const at = now().toISOString();
    if (step.change === 'down') {
      progress.rateCuts = (progress.rateCuts ?? 0) + 1;
      progress.ceiling = { rate: Math.max(step.rate, Math.floor(rate * ceilingFactor)), since: at };
    }
    if (step.change === 'pause' && !progress.pausedSince) {
      progress.pausedSince = at;
      logged(progress, at, 0, `paused: ${step.reason}`);
    } else if (step.change !== 'pause' && progress.pausedSince) {
      progress.pausedSince = null;
      logged(progress, at, rate, 'resumed: the consumer caught up');
    }
    if (step.rate !== rate) {
      bucket.setRate(step.rate);
      progress.rate = step.rate;
      logged(progress, at, step.rate, step.reason);
    }
    return step.change;
  }
}
