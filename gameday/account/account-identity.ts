/** The account and region a simulated account answers as. */
export interface AccountIdentity {
  readonly accountId: string;
  readonly region: string;
}
