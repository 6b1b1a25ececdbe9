/**
 * A token bucket: `ratePerSecond` tokens a second, at most one second's worth banked, so bursts
 * never exceed the rate a consumer was promised. Time comes from `now` and waiting from `sleep`,
 * so it runs on a virtual clock as well as a real one.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => Date,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = ratePerSecond;
    this.updatedAt = now().getTime();
  }

  /** Waits until `count` tokens are available, then takes them. */
  async take(count: number): Promise<void> {
    this.refill();
    if (this.tokens < count) {
      await this.sleep(((count - this.tokens) / this.ratePerSecond) * 1000);
      this.refill();
    }
    this.tokens -= count;
  }

  private refill(): void {
    const now = this.now().getTime();
    this.tokens = Math.min(
      this.ratePerSecond,
      this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond,
    );
    this.updatedAt = now;
  }
}
