/** Time in a simulated account: moves only when told to, so hours of incident pass in milliseconds. */
export class VirtualClock {
  private current: number;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /**
   * Moves time forward to `to` (never backwards), in whole milliseconds as `Date` keeps them: a
   * fractional time would make `now()` read earlier than the clock, and the next move go back.
   */
  set(to: number): void {
    const ms = Math.ceil(to);
    if (ms < this.current)
      throw new Error(`the virtual clock cannot go back from ${this.now().toISOString()}`);
    this.current = ms;
  }
}
