/**
 * A token bucket: `ratePerSecond` tokens a second, holding at most `burst` (and starting with that
 * many), so over any window of T seconds at most `burst + ratePerSecond × T` are taken. Keep
 * `burst` small (one batch) to honour a promised rate within every second: a bucket that banks a
 * whole second's worth lets the first second carry twice the rate. Time comes from `now` and
 * waiting from `sleep`, so it runs on a virtual clock as well as a real one.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => Date,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = burst;
    this.updatedAt = now().getTime();
  }

  /** Waits until `count` tokens are available, then takes them (a count above `burst` is paid back by waiting). */
  async take(count: number): Promise<void> {
    this.refill();
    if (this.tokens < count) {
      await this.sleep(((count - this.tokens) / this.ratePerSecond) * 1000);
      this.refill();
    }
    this.tokens -= count;
  }

  /** Paces at `ratePerSecond` from now on (what was earned at the old rate is kept). */
  setRate(ratePerSecond: number): void {
    this.refill();
    this.ratePerSecond = ratePerSecond;
  }

  private refill(): void {
    const now = this.now().getTime();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
  }
}
