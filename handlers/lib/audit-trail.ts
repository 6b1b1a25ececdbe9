import { createHash } from 'node:crypto';
import { type DynamoDBClient, PutItemCommand, paginateQuery } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { logger } from './observability.js';

/**
 * The kinds of change the platform makes, each mapped to the controls it evidences (the control
 * matrix); `change` is any other (a team's own runbook's), evidence of change management.
 */
export const changeKinds = [
  'alias-rollback',
  'concurrency-change',
  'provisioned-concurrency',
  'replay',
  'quarantine',
  'rotation',
  'rotation-rollback',
  'runtime-upgrade',
  'queue-settings',
  'approval',
  'change',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

/** One change to the world, as an auditor needs it: who, what, where, before and after. */
export interface AuditRecord {
  readonly at: string;
  readonly executionId: string;
  readonly runbook: string;
  readonly step: string;
  /**
   * What kind of change it is, for the controls it evidences.
   * @default `change`
   */
  readonly kind?: ChangeKind;
  readonly action: string;
  readonly target: string;
  readonly before: unknown;
  readonly after: unknown;
  /**
   * The account and region the change was made in, added from where the run acts (`actingIn`).
   * @default the platform's own
   */
  readonly account?: string;
  readonly region?: string;
  /**
   * The request ids AWS gave the calls that made the change, to find them in CloudTrail.
   * @default none (a change made of many calls, such as a replay, is counted instead)
   */
  readonly requestIds?: readonly string[];
}

/**
 * The action of a change a step found already made since it decided it: most likely its own
 * earlier attempt, whose answer was lost (a timeout, a cut-off Lambda), possibly someone making
 * the same change at that moment; the target is leased to the run, so no other run. Recorded
 * without request ids, as found: never missing from the trail, at worst there twice.
 */
export const foundMade = (action: string) =>
  `${action} (found made: an earlier attempt's answer was lost, or someone made the same change)`;

/** Where audit records go. A durable trail's write is awaited: a change not recorded is not done. */
export interface AuditTrail {
  record(entry: AuditRecord): void | Promise<void>;
}

/** A trail that records where the run acts on every record written to it. */
export function auditTrailIn(
  trail: AuditTrail,
  where: { readonly account: string; readonly region: string } | undefined,
): AuditTrail {
  if (!where) return trail;
  return { record: (entry) => trail.record({ ...entry, account: where.account, region: where.region }) };
}

/**
 * In Lambda the audit trail is a structured log line keyed `audit`, kept by the log group's
 * retention and queryable with Logs Insights (`filter ispresent(audit.action)`).
 */
export const logAuditTrail: AuditTrail = {
  record(entry) {
    logger.info(`audit: ${entry.action} on ${entry.target}`, { audit: entry });
  },
};

/** How long a change stays in the audit table: its evidence record is written when the run ends. */
const keptDays = 90;

/**
 * A trail that also keeps every record in the audit table, by execution, where the run's evidence
 * record is built from. A retried step writes the same item again (its key derives from the
 * record), so a change is there once.
 */
export function tableAuditTrail(dynamodb: DynamoDBClient, tableName: string, also: AuditTrail): AuditTrail {
  return {
    async record(entry) {
      await also.record(entry);
      const id = createHash('sha256')
        .update(JSON.stringify([entry.step, entry.action, entry.target, entry.before, entry.after]))
        .digest('hex')
        .slice(0, 16);
      await dynamodb.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall(
            {
              ...entry,
              sk: `${entry.at}#${entry.step}#${id}`,
              ttl: Math.floor(Date.parse(entry.at) / 1000) + keptDays * 86_400,
            },
            { removeUndefinedValues: true, convertClassInstanceToMap: true },
          ),
        }),
      );
    },
  };
}

/** Every change an execution's steps recorded, in the order they were made. */
export async function auditRecordsOf(
  dynamodb: DynamoDBClient,
  tableName: string,
  executionId: string,
): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const page of paginateQuery(
    { client: dynamodb },
    {
      TableName: tableName,
      KeyConditionExpression: '#execution = :execution',
      ExpressionAttributeNames: { '#execution': 'executionId' },
      ExpressionAttributeValues: marshall({ ':execution': executionId }),
      ConsistentRead: true,
    },
  )) {
    for (const item of page.Items ?? []) {
      const { sk: _, ttl: __, ...record } = unmarshall(item);
      records.push(record as AuditRecord);
    }
  }
  return records;
}
