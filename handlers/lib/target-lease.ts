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
 * from another execution holding the target or a cool-down.
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
    options: { readonly ignoreCooldown?: boolean } = {},
  ): Promise<LeaseResult> {
    const nowSeconds = epochSeconds(now);
    const expiresAt = nowSeconds + leaseSeconds;
    const free = '(attribute_not_exists(holder) OR expiresAt < :now)';
    const cooled = '(attribute_not_exists(#cooldown) OR #cooldown <= :now)';
    let current: LeaseItem | undefined;
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(target),
          UpdateExpression:
            'SET holder = :holder, runbook = :runbook, expiresAt = :expires, started = :false, #ttl = :ttl',
          ConditionExpression: options.ignoreCooldown ? free : `${free} AND ${cooled}`,
          ExpressionAttributeNames: {
            '#ttl': 'ttl',
            ...(options.ignoreCooldown ? {} : { '#cooldown': cooldownAttribute(runbook) }),
          },
          ExpressionAttributeValues: marshall({
            ':holder': holder,
            ':runbook': runbook,
            ':expires': expiresAt,
            ':false': false,
            ':now': nowSeconds,
            ':ttl': ttlAfter(expiresAt),
          }),
          // The failed write then returns the item, saving a read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { acquired: true, reentrant: false, started: false };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (error.Item) current = unmarshall(error.Item) as LeaseItem;
    }
    if (!current) {
      // Servers that do not return the old item on failure: read it.
      const read = await this.dynamodb.send(
        new GetItemCommand({ TableName: this.tableName, Key: keyOf(target), ConsistentRead: true }),
      );
      if (read.Item) current = unmarshall(read.Item) as LeaseItem;
    }
    if (current?.holder === holder)
      return { acquired: true, reentrant: true, started: current.started === true };
    if (current?.holder !== undefined && (current.expiresAt ?? 0) >= nowSeconds) {
      return {
        acquired: false,
        heldBy: {
          holder: current.holder,
          runbook: current.runbook ?? 'unknown',
          expiresAt: current.expiresAt ?? 0,
          started: current.started === true,
        },
      };
    }
    const cooldown = current?.[cooldownAttribute(runbook)];
    if (cooldown !== undefined && cooldown > nowSeconds)
      return { acquired: false, coolingDownUntil: new Date(cooldown * 1000) };
    // Released or expired between the write and the read: report the race rather than retry it here.
    return {
      acquired: false,
      heldBy: { holder: 'unknown', runbook: 'unknown', expiresAt: 0, started: false },
    };
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
    options: { readonly ignoreCooldown?: boolean } = {},
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

  /** Records that the holder's execution was started, so redeliveries can skip StartExecution. */
  async markStarted(target: string, holder: string): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: keyOf(target),
        UpdateExpression: 'SET started = :true',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: marshall({ ':true': true, ':holder': holder }),
      }),
    );
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
