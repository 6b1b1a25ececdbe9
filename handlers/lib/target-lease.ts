import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/** Who holds a target: the execution (by name) of which runbook, until when. */
export interface LeaseHolder {
  readonly holder: string;
  readonly runbook: string;
  readonly expiresAt: number;
  readonly started: boolean;
}

export type LeaseResult =
  | { readonly acquired: true; readonly reentrant: boolean; readonly started: boolean }
  | { readonly acquired: false; readonly heldBy: LeaseHolder }
  | { readonly acquired: false; readonly coolingDownUntil: Date };

/** One item per target: the current lease, if any, and each runbook's cool-down on that target. */
interface LeaseItem {
  readonly pk: string;
  readonly holder?: string;
  readonly runbook?: string;
  readonly expiresAt?: number;
  readonly started?: boolean;
  readonly [cooldown: `cooldown_${string}`]: number | undefined;
}

/**
 * How long a dispatch holds its target before the execution it starts is marked started (which
 * gives the lease the run's length): many times the dispatcher's 30-second timeout, so a live
 * dispatch never loses it, and short enough that a dispatch cut off for good frees the target soon.
 */
export const claimSeconds = 300;

/** How an acquire tells a lapsed claim whose execution runs after all from one that never started. */
export interface AcquireOptions {
  readonly ignoreCooldown?: boolean;
  /** Whether the holder of a lapsed, never-marked claim runs; without it such a claim is taken. */
  readonly running?: (lease: LeaseHolder) => Promise<boolean>;
}

/** Released or taken between a refused write and the look after it: reported, not retried here. */
const raced: LeaseResult = {
  acquired: false,
  heldBy: { holder: 'unknown', runbook: 'unknown', expiresAt: 0, started: false },
};

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);
const keyOf = (target: string) => marshall({ pk: `target#${target}` });
const cooldownAttribute = (runbook: string) => `cooldown_${runbook}` as const;
/** Items outlive their lease and cool-down by a day, then DynamoDB's TTL removes them. */
const ttlAfter = (time: number) => time + 86_400;

/**
 * Per-target leases in DynamoDB: one runbook execution acts on a target at a time. Acquiring is one
 * conditional write that succeeds only when the target is free (or its lease expired) and the
 * runbook's cool-down on it is over, so two dispatchers racing on one target cannot both win. A
 * failed write returns the item, which tells a redelivery of the holder's own event (re-entrant)
 * from another execution holding the target or a cool-down. A dispatch first takes a short claim
 * and gives it the run's length once the execution started: a dispatch cut off in between, its
 * retries failing too, locks the target for the claim, not for a whole run.
 */
export class TargetLeases {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async acquire(
    target: string,
    holder: string,
    runbook: string,
    leaseSeconds: number,
    now: Date,
    options: AcquireOptions = {},
  ): Promise<LeaseResult> {
    const nowSeconds = epochSeconds(now);
    const expiresAt = nowSeconds + leaseSeconds;
    // An expired lease whose execution was never marked started is only taken after a look (below).
    const free = 'attribute_not_exists(holder) OR (expiresAt < :now AND started = :true)';
    let current = await this.take(target, holder, runbook, expiresAt, nowSeconds, free, options);
    if (current === 'taken') return { acquired: true, reentrant: false, started: false };
    if (!current) {
      // Servers that do not return the old item on failure: read it.
      const read = await this.dynamodb.send(
        new GetItemCommand({ TableName: this.tableName, Key: keyOf(target), ConsistentRead: true }),
      );
      if (read.Item) current = unmarshall(read.Item) as LeaseItem;
    }
    if (current?.holder === holder) {
      if (current.started === true) return { acquired: true, reentrant: true, started: true };
      // A retried dispatch renews its claim, so nobody takes it as lapsed while it starts the run.
      const renewed = await this.take(
        target,
        holder,
        runbook,
        expiresAt,
        nowSeconds,
        'holder = :holder AND started = :false',
        {
          ...options,
          ignoreCooldown: true,
        },
      );
      return renewed === 'taken' ? { acquired: true, reentrant: true, started: false } : raced;
    }
    if (current?.holder !== undefined) {
      const heldBy: LeaseHolder = {
        holder: current.holder,
        runbook: current.runbook ?? 'unknown',
        expiresAt: current.expiresAt ?? 0,
        started: current.started === true,
      };
      if (heldBy.expiresAt >= nowSeconds) return { acquired: false, heldBy };
      if (!heldBy.started) {
        // A claim that lapsed with its execution never marked started: that execution may run all
        // the same (the dispatch that started it was cut off before marking it), and then holds it.
        if ((await options.running?.(heldBy)) ?? false) return { acquired: false, heldBy };
        const lapsed = `holder = :old AND expiresAt = :oldExpires AND started = :false`;
        const taken = await this.take(target, holder, runbook, expiresAt, nowSeconds, lapsed, options, {
          ':old': heldBy.holder,
          ':oldExpires': heldBy.expiresAt,
        });
        if (taken === 'taken') return { acquired: true, reentrant: false, started: false };
        if (taken) current = taken;
      }
    }
    const cooldown = current?.[cooldownAttribute(runbook)];
    if (cooldown !== undefined && cooldown > nowSeconds)
      return { acquired: false, coolingDownUntil: new Date(cooldown * 1000) };
    return raced;
  }

  /**
   * One conditional write making the holder the target's: 'taken', or the item the condition
   * refused (when the server returns it).
   */
  private async take(
    target: string,
    holder: string,
    runbook: string,
    expiresAt: number,
    nowSeconds: number,
    condition: string,
    options: AcquireOptions,
    values: Record<string, string | number> = {},
  ): Promise<'taken' | LeaseItem | undefined> {
    const cooled = '(attribute_not_exists(#cooldown) OR #cooldown <= :now)';
    const update =
      'SET holder = :holder, runbook = :runbook, expiresAt = :expires, started = :false, #ttl = :ttl';
    // DynamoDB refuses redundant parentheses.
    const grouped = condition.includes(' OR ') ? `(${condition})` : condition;
    const conditionExpression = options.ignoreCooldown ? condition : `${grouped} AND ${cooled}`;
    const offered: Record<string, string | number | boolean> = {
      ':holder': holder,
      ':runbook': runbook,
      ':expires': expiresAt,
      ':false': false,
      ':true': true,
      ':now': nowSeconds,
      ':ttl': ttlAfter(expiresAt),
      ...values,
    };
    // It refuses values the expressions do not use, too.
    const used = Object.entries(offered).filter(([name]) =>
      new RegExp(`${name}\\b`).test(`${update} ${conditionExpression}`),
    );
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(target),
          UpdateExpression: update,
          ConditionExpression: conditionExpression,
          ExpressionAttributeNames: {
            '#ttl': 'ttl',
            ...(options.ignoreCooldown ? {} : { '#cooldown': cooldownAttribute(runbook) }),
          },
          ExpressionAttributeValues: marshall(Object.fromEntries(used)),
          // The failed write then returns the item, saving a read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'taken';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return error.Item ? (unmarshall(error.Item) as LeaseItem) : undefined;
    }
  }

  /**
   * Acquires every key of a run, or none: keys are taken in sorted order (two runs needing the same
   * keys cannot each hold half), and those the holder holds are let go again when one is held by
   * another run or cooling down: taken by this call, or by an earlier attempt of the same dispatch
   * whose answer was lost (an execution of the holder's holds every key, so none runs). The first
   * key is the target's own, the only one whose cool-down applies.
   */
  async acquireAll(
    keys: readonly string[],
    holder: string,
    runbook: string,
    leaseSeconds: number,
    now: Date,
    options: AcquireOptions = {},
  ): Promise<LeaseResult & { readonly key: string }> {
    const [primary = ''] = keys;
    const taken: string[] = [];
    const held: string[] = [];
    let result: LeaseResult & { readonly key: string } = {
      acquired: true,
      reentrant: true,
      started: false,
      key: primary,
    };
    for (const key of [...keys].sort()) {
      const lease = await this.acquire(key, holder, runbook, leaseSeconds, now, {
        ...options,
        ignoreCooldown: key !== primary || options.ignoreCooldown === true,
      });
      if (!lease.acquired) {
        for (const own of held) await this.release(own, holder, runbook, 0, now);
        return { ...lease, key };
      }
      held.push(key);
      if (!lease.reentrant) taken.push(key);
      if (key === primary) result = { ...lease, key };
    }
    // Re-entrant only when this run held every key already (a redelivery of its own trigger).
    return taken.length > 0 && result.acquired
      ? { acquired: true, reentrant: false, started: false, key: primary }
      : result;
  }

  /** Releases every key a run holds, the cool-down on the target's own; true when any was held. */
  async releaseAll(
    keys: readonly string[],
    holder: string,
    runbook: string,
    cooldownSeconds: number,
    now: Date,
  ): Promise<boolean> {
    let released = false;
    for (const [i, key] of keys.entries()) {
      released = (await this.release(key, holder, runbook, i === 0 ? cooldownSeconds : 0, now)) || released;
    }
    return released;
  }

  /**
   * Records that the holder's execution was started, on every key it holds, and gives the claim
   * the run's full length: redeliveries then skip StartExecution, and the lease lasts the run.
   */
  async markStarted(keys: readonly string[], holder: string, leaseSeconds: number, now: Date): Promise<void> {
    const expiresAt = epochSeconds(now) + leaseSeconds;
    for (const key of keys) {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: 'SET started = :true, expiresAt = :expires, #ttl = :ttl',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: marshall({
            ':true': true,
            ':holder': holder,
            ':expires': expiresAt,
            ':ttl': ttlAfter(expiresAt),
          }),
        }),
      );
    }
  }

  /**
   * Releases the holder's lease and starts the runbook's cool-down on the target; returns false (and
   * changes nothing) when the holder holds no lease. Safe to repeat: the runbook's last state and the
   * failure rule may both call it.
   */
  async release(
    target: string,
    holder: string,
    runbook: string,
    cooldownSeconds: number,
    now: Date,
  ): Promise<boolean> {
    const until = epochSeconds(now) + cooldownSeconds;
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(target),
          UpdateExpression:
            cooldownSeconds > 0
              ? 'SET #cooldown = :until, #ttl = :ttl REMOVE holder, runbook, expiresAt, started'
              : 'REMOVE holder, runbook, expiresAt, started',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeNames:
            cooldownSeconds > 0 ? { '#cooldown': cooldownAttribute(runbook), '#ttl': 'ttl' } : undefined,
          ExpressionAttributeValues: marshall(
            cooldownSeconds > 0
              ? { ':holder': holder, ':until': until, ':ttl': ttlAfter(until) }
              : { ':holder': holder },
          ),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
