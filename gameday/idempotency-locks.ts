import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SimulatedAccount } from './account/simulated-account.js';

/**
 * Powertools' in-progress idempotency records on the game day's clock. A record an invocation
 * leaves in progress (it was cut off, or saving its result failed) lets a retry in once that
 * invocation's time is up; Powertools tells that from the wall clock, which virtual time does not
 * move, so the lapse happens here: each record lapses when the invocation that left it would have
 * timed out.
 */
export class IdempotencyLocks {
  private readonly lapseAt = new Map<string, number>();

  constructor(
    private readonly account: SimulatedAccount,
    private readonly table: string,
  ) {}

  private inProgress(): { id: AttributeValue; key: string }[] {
    return this.account.dynamodb
      .scan(this.table)
      .filter((item) => item.status?.S === 'INPROGRESS' && item.id?.S)
      .map((item) => ({ id: item.id as AttributeValue, key: item.id?.S ?? '' }));
  }

  /** Before an invocation: records whose invocation's time is up are gone. */
  lapse(now: number): void {
    for (const { id, key } of this.inProgress()) {
      const at = this.lapseAt.get(key);
      if (at === undefined || at > now) continue;
      this.account.dynamodb.deleteItem({ TableName: this.table, Key: { id } });
      this.lapseAt.delete(key);
    }
  }

  /** After an invocation that had until `deadline`: what it left in progress lapses then. */
  note(deadline: number): void {
    for (const { key } of this.inProgress()) if (!this.lapseAt.has(key)) this.lapseAt.set(key, deadline);
  }
}
