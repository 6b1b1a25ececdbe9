import { lockedResource, type Target, targetKey } from './targets.js';

/**
 * What a run holds while it runs: `target`, the resource it changes (a function with all its
 * aliases and versions, an API's function, a queue, a secret, an account's concurrency pool), and
 * `account-concurrency`, the concurrency pool of the account and region, for runbooks whose changes
 * take from it (reserved and provisioned concurrency).
 */
export const lockScopes = ['target', 'account-concurrency'] as const;
export type LockScope = (typeof lockScopes)[number];

/** The account and region a run acts in. */
export interface LockPlace {
  readonly accountId: string;
  readonly region: string;
  /**
   * Whether it is the deployment's own account and region. Keys there are the target's key alone;
   * elsewhere they start with `<account>/<region>/`, so a hub's runs on `orders-api` in two
   * workload accounts do not lock each other out.
   */
  readonly home: boolean;
}

/**
 * The keys a run on `target` locks, the target's own first (its cool-down is kept there), then the
 * resources the target is bound to (`related`: the queues a dead-letter queue serves). Two runs
 * conflict when their keys share one: a function and its alias are one resource, a queue and its
 * DLQ are one, and two runs that change the account's concurrency share its pool.
 */
export function lockKeysOf(
  target: Target,
  scopes: readonly LockScope[],
  place: LockPlace,
  related: readonly Target[] = [],
): string[] {
  const within = place.home ? '' : `${place.accountId}/${place.region}/`;
  const keys = scopes.flatMap((scope) =>
    scope === 'target'
      ? [target, ...related].map((t) => `${within}${targetKey(lockedResource(t))}`)
      : [`account:${place.accountId}:${place.region}`],
  );
  return [...new Set(keys)];
}
