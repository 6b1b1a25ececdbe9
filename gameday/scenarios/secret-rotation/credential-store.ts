/** The database is down or cut off: every login and change fails. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/**
 * A simulated database's credentials: the users it accepts and their passwords, and whether it can
 * be reached at all. What a rotation changes and what consumers log in to.
 */
export class CredentialStore {
  private readonly users = new Map<string, string>();
  reachable = true;

  constructor(users: Readonly<Record<string, string>>) {
    for (const [user, password] of Object.entries(users)) this.users.set(user, password);
  }

  login(user: string, password: string): boolean {
    if (!this.reachable) throw new DatabaseUnreachableError('connection timed out');
    return this.users.get(user) === password;
  }

  /** Sets (or creates, for alternating users) a user's password; the caller has logged in already. */
  setPassword(user: string, password: string): void {
    if (!this.reachable) throw new DatabaseUnreachableError('connection timed out');
    this.users.set(user, password);
  }
}
