import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
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
  | { readonly acquired: false; readonly heldBy: LeaseHolder };

const leaseKey = (target: string) => `lease#${target}`;
const cooldownKey = (runbook: string, target: string) => `cooldown#${runbook}#${target}`;
const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * Per-target leases in DynamoDB: one runbook execution acts on a target at a time. Acquiring is one
 * conditional write that succeeds only when the target is free or its lease expired, so two
 * dispatchers racing on one target cannot both win; when it fails, a consistent read tells a
 * redelivery of the holder's own event (re-entrant) from another execution holding the target.
 * Items carry a `ttl` so DynamoDB deletes expired ones.
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
  ): Promise<LeaseResult> {
    const expiresAt = epochSeconds(now) + leaseSeconds;
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({
            pk: leaseKey(target),
            holder,
            runbook,
            expiresAt,
            started: false,
            ttl: expiresAt + 86_400,
          }),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: marshall({ ':now': epochSeconds(now) }),
        }),
      );
      return { acquired: true, reentrant: false, started: false };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const current = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: leaseKey(target) }),
        ConsistentRead: true,
      }),
    );
    const heldBy = current.Item ? (unmarshall(current.Item) as LeaseHolder) : undefined;
    if (heldBy?.holder === holder) return { acquired: true, reentrant: true, started: heldBy.started };
    // Released between the write and the read: report the race rather than retry it here.
    return {
      acquired: false,
      heldBy: heldBy ?? { holder: 'unknown', runbook: 'unknown', expiresAt: 0, started: false },
    };
  }

  /** Records that the holder's execution was started, so redeliveries can skip StartExecution. */
  async markStarted(target: string, holder: string): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: leaseKey(target) }),
        UpdateExpression: 'SET started = :true',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: marshall({ ':true': true, ':holder': holder }),
      }),
    );
  }

  /**
   * Releases the holder's lease (a no-op when it holds none) and starts the runbook's cool-down on
   * the target. Safe to repeat: the runbook's last state and the failure rule may both call it.
   */
  async release(
    target: string,
    holder: string,
    runbook: string,
    cooldownSeconds: number,
    now: Date,
  ): Promise<boolean> {
    let released = true;
    try {
      await this.dynamodb.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: leaseKey(target) }),
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: marshall({ ':holder': holder }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      released = false;
    }
    if (cooldownSeconds > 0) {
      const until = epochSeconds(now) + cooldownSeconds;
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: cooldownKey(runbook, target), until, after: holder, ttl: until + 86_400 }),
        }),
      );
    }
    return released;
  }

  /** When the runbook's cool-down on the target ends, if it is still running. */
  async cooldownUntil(runbook: string, target: string, now: Date): Promise<Date | undefined> {
    const found = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: cooldownKey(runbook, target) }) }),
    );
    if (!found.Item) return undefined;
    const { until } = unmarshall(found.Item) as { until: number };
    return until > epochSeconds(now) ? new Date(until * 1000) : undefined;
  }
}
