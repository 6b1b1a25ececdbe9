import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { PlatformError } from './errors.js';
import { nonNegativeInt, positiveInt } from './schemas.js';

/**
 * How much automated change a deployment allows: at most `perHour` changes made without a person
 * in any rolling hour of one environment (beyond it every run asks a human, whatever its policy),
 * and automatic remediation paused everywhere once `breakerFailures` runs within
 * `breakerWindowMinutes` fail their verification or roll back, until a person resumes it.
 */
export const changeBudgetSchema = z.object({
  perHour: nonNegativeInt(),
  breakerFailures: positiveInt(),
  breakerWindowMinutes: positiveInt(),
});

export type ChangeBudgetSettings = z.infer<typeof changeBudgetSchema>;

/**
 * Unless configured (`runbooks:changeBudget`): 20 automated changes an hour per environment, and a
 * pause after 3 failed or rolled-back changes within an hour.
 */
export const defaultChangeBudget: ChangeBudgetSettings = {
  perHour: 20,
  breakerFailures: 3,
  breakerWindowMinutes: 60,
};

/** What a run asking to change something without a person is told. */
export interface ChangeGrant {
  readonly granted: boolean;
  readonly reason: string;
}

/** Whether automatic remediation is paused, since when, why, and who resumed it last. */
export interface BreakerState {
  readonly paused: boolean;
  readonly pausedAt?: string;
  readonly reason?: string;
  /** Failed verifications and rollbacks counted towards the breaker, newest last. */
  readonly failures: readonly { readonly executionId: string; readonly at: string }[];
  readonly resumedBy?: string;
  readonly resumedAt?: string;
}

interface BudgetItem {
  readonly pk: string;
  readonly version: number;
  readonly changes: readonly { readonly executionId: string; readonly at: number }[];
}

interface BreakerItem extends BreakerState {
  readonly pk: string;
  readonly version: number;
}

/** Someone else wrote the item between our read and our write, too often in a row. */
export class BudgetContentionError extends PlatformError {
  override readonly name = 'BudgetContentionError';
}

const hourMs = 3_600_000;
/** A conditional write lost to another run is read and tried again; runs hold no lock meanwhile. */
const attempts = 8;
const breakerKey = 'change-breaker';

/**
 * The organization's budget of automated change and its circuit breaker, in the lease table: one
 * item per environment holding the changes of the last hour, one item for the breaker. Every
 * write is conditional on the version read, so runs racing for the last slot cannot both win.
 */
export class ChangeBudget {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private async read<T extends { version: number }>(pk: string): Promise<T | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk }), ConsistentRead: true }),
    );
    return Item ? (unmarshall(Item) as T) : undefined;
  }

  /** Writes `item` if the stored version is still `version` (absent for 0); false when it moved on. */
  private async write(item: BudgetItem | BreakerItem, version: number): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
          ...(version === 0 ? {} : { ExpressionAttributeValues: marshall({ ':version': version }) }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Reads the item at `pk` and writes what `decide` makes of it, conditional on the version read;
   * a write lost to another run is read and decided again. `decide` returns the item to write and
   * the answer, or only an answer when nothing is to be written.
   */
  private async update<T extends BudgetItem | BreakerItem, R>(
    pk: string,
    decide: (item: T | undefined, version: number) => { readonly write?: T; readonly answer: R },
    tries = attempts,
  ): Promise<R> {
    for (let attempt = 0; attempt < tries; attempt += 1) {
      const item = await this.read<T>(pk);
      const version = item?.version ?? 0;
      const { write, answer } = decide(item, version + 1);
      if (!write || (await this.write(write, version))) return answer;
    }
    throw new BudgetContentionError(`${pk} kept changing under ${tries} attempts`);
  }

  async breaker(): Promise<BreakerState> {
    const item = await this.read<BreakerItem>(breakerKey);
    return item ?? { paused: false, failures: [] };
  }

  /**
   * Takes one change of `environment`'s hourly budget for the execution, unless automatic
   * remediation is paused or the budget is spent. A retry of the same execution gets its own slot
   * back instead of a second one.
   */
  async take(
    executionId: string,
    environment: string,
    settings: ChangeBudgetSettings,
    now: Date,
  ): Promise<ChangeGrant> {
    const breaker = await this.breaker();
    if (breaker.paused)
      return {
        granted: false,
        reason: `automatic remediation is paused since ${breaker.pausedAt} (${breaker.reason}); a person resumes it with \`runbook resume\``,
      };
    const pk = `change-budget#${environment}`;
    // Only a grant writes, so every write a run loses is another run's grant: after `perHour` of
    // them the budget is spent and the answer needs no write. Runs racing in a storm all get one.
    return this.update<BudgetItem, ChangeGrant>(
      pk,
      (item, version) => {
        const recent = (item?.changes ?? []).filter((c) => c.at > now.getTime() - hourMs);
        if (recent.some((c) => c.executionId === executionId))
          return { answer: { granted: true, reason: 'this run’s change is already counted' } };
        if (recent.length >= settings.perHour)
          return {
            answer: {
              granted: false,
              reason: `the budget of ${settings.perHour} automated changes per hour in ${environment} is spent`,
            },
          };
        const changes = [...recent, { executionId, at: now.getTime() }];
        return {
          write: { pk, version, changes },
          answer: {
            granted: true,
            reason: `automated change ${changes.length} of ${settings.perHour} this hour in ${environment}`,
          },
        };
      },
      settings.perHour + attempts,
    );
  }

  /**
   * Counts a run whose change failed its verification or was rolled back; the failure that makes
   * `breakerFailures` within the window pauses automatic remediation. Counting the same execution
   * twice changes nothing. Returns the breaker as it is after.
   */
  async recordFailure(
    executionId: string,
    reason: string,
    settings: ChangeBudgetSettings,
    now: Date,
  ): Promise<BreakerState> {
    return this.update<BreakerItem, BreakerState>(breakerKey, (item, version) => {
      const since = now.getTime() - settings.breakerWindowMinutes * 60_000;
      const failures = (item?.failures ?? []).filter((f) => Date.parse(f.at) > since);
      if (failures.some((f) => f.executionId === executionId))
        return { answer: item ?? { paused: false, failures } };
      const counted = [...failures, { executionId, at: now.toISOString() }];
      const trips = !item?.paused && counted.length >= settings.breakerFailures;
      const next: BreakerItem = {
        ...item,
        pk: breakerKey,
        version,
        failures: counted,
        paused: item?.paused === true || trips,
        ...(trips
          ? {
              pausedAt: now.toISOString(),
              reason: `${counted.length} runs failed their verification or rolled back within ${settings.breakerWindowMinutes} minutes, the last: ${reason.slice(0, 300)}`,
            }
          : {}),
      };
      return { write: next, answer: next };
    });
  }

  /** Resumes automatic remediation; the failures counted so far are forgotten. */
  async resume(by: string, now: Date): Promise<BreakerState> {
    return this.update<BreakerItem, BreakerState>(breakerKey, (_item, version) => {
      const next: BreakerItem = {
        pk: breakerKey,
        version,
        paused: false,
        failures: [],
        resumedBy: by,
        resumedAt: now.toISOString(),
      };
      return { write: next, answer: next };
    });
  }
}
