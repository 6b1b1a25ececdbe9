import { minuteMs } from './metric-store.js';
import { SimulatedAccount } from './simulated-account.js';

/**
 * Accounts of one AWS Organization on one virtual clock: the hub the platform runs in and the
 * workload accounts it acts in. Time moves for all of them together, minute by minute, so an
 * alarm in one account and a run in another see the same time.
 */
export class SimulatedOrganization {
  private readonly members = new Map<string, SimulatedAccount>();
  private readonly units = new Map<string, string>();

  constructor(
    /** The organization's id (`o-…`), what `aws:PrincipalOrgID` and `aws:ResourceOrgID` read. */
    readonly id: string,
    readonly hub: SimulatedAccount,
  ) {
    this.members.set(hub.identity.accountId, hub);
  }

  /**
   * A new member account, in the hub's region unless given, keeping the hub's time; in an
   * organizational unit when given (directly under the root), else in the root.
   */
  addAccount(
    accountId: string,
    region = this.hub.identity.region,
    organizationalUnitId?: string,
  ): SimulatedAccount {
    if (this.members.has(accountId)) throw new Error(`account ${accountId} is already a member`);
    const account = new SimulatedAccount({
      start: this.hub.clock.now(),
      accountId,
      region,
      clock: this.hub.clock,
    });
    this.members.set(accountId, account);
    if (organizationalUnitId) this.units.set(accountId, organizationalUnitId);
    return account;
  }

  /** The organizational unit an account is in, if not the root. */
  unitOf(accountId: string): string | undefined {
    return this.units.get(accountId);
  }

  /**
   * `aws:PrincipalOrgPaths` of a principal of the account: `o-…/r-…/[ou-…/]`. An OU's id carries
   * its root's (`ou-<root>-…`).
   */
  orgPathsOf(accountId: string): string[] {
    const unit = this.units.get(accountId);
    const root = `r-${(unit ?? this.id).split('-')[1] ?? 'root'}`;
    return [`${this.id}/${root}/${unit ? `${unit}/` : ''}`];
  }

  /** The member account of that id, or undefined when it is not in the organization. */
  account(accountId: string): SimulatedAccount | undefined {
    return this.members.get(accountId);
  }

  get accounts(): readonly SimulatedAccount[] {
    return [...this.members.values()];
  }

  /**
   * Moves every account to `target` (epoch milliseconds), each minute boundary in every account
   * before the next, so alarms everywhere evaluate at the minute they would.
   */
  advanceTo(target: number): void {
    const from = this.hub.clock.now().getTime();
    for (
      let boundary = (Math.floor(from / minuteMs) + 1) * minuteMs;
      boundary < target;
      boundary += minuteMs
    ) {
      for (const account of this.members.values()) account.advanceTo(boundary);
    }
    for (const account of this.members.values()) account.advanceTo(target);
  }

  /** What every account's services do on their own once due (alarm actions, rotations). */
  async runServices(): Promise<void> {
    for (const account of this.members.values()) await account.runServices();
  }
}
