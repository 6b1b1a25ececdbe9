import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { PlatformError } from './errors.js';
import type { Environment } from './step-deps.js';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** Where the approval request was shown to people, once a notifier posted it. */
export interface ApprovalMessage {
  readonly channel: string;
  readonly ts: string;
}

/**
 * One approval request: which execution waits on which task token, asked of which approver group.
 * The token stays here; messages to people carry only the approval id.
 */
export interface ApprovalRecord {
  readonly approvalId: string;
  readonly taskToken: string;
  readonly executionId: string;
  readonly runbook: string;
  /** Approver group asked, and its place in the runbook's escalation order (0 = first). */
  readonly group: string;
  readonly tier: number;
  readonly tiers: number;
  /** Who started the run: `slack:<user id>` or `alarm`. */
  readonly requestedBy: string;
  readonly summary: string;
  readonly requestedAt: string;
  readonly answerBefore: string;
  readonly status: ApprovalStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly reason?: string;
  readonly message?: ApprovalMessage;
  /**
   * The environment of the run's account, whose approver groups and rules decide.
   * @default the deployment's (records written before runs carried it)
   */
  readonly environment?: Environment;
}

/** The answer someone gave to an approval. */
export interface ApprovalDecision {
  readonly status: 'approved' | 'rejected' | 'expired';
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
}

/** The approval was already answered (or expired) when another answer came. */
export class ApprovalAlreadyDecidedError extends PlatformError {
  override readonly name = 'ApprovalAlreadyDecidedError';
  constructor(readonly record: ApprovalRecord) {
    super(`approval ${record.approvalId} is already ${record.status}`);
  }
}

/** The approval id of an execution's request to one approver group. */
export const approvalIdFor = (executionId: string, group: string) => `${executionId}#${group}`;

/** Records live a week after their answer deadline, then DynamoDB's TTL removes them. */
const ttlOf = (answerBefore: string) => Math.floor(Date.parse(answerBefore) / 1000) + 7 * 86_400;

/**
 * Approval requests in DynamoDB. Answering is a conditional write from `pending`, so two people
 * clicking at once (or Slack retrying a request) decide once.
 */
export class ApprovalRecords {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Stores a request; a retried task replaces its own record with the new task token. */
  async put(record: ApprovalRecord): Promise<void> {
    await this.dynamodb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...record, ttl: ttlOf(record.answerBefore) }, { removeUndefinedValues: true }),
      }),
    );
  }

  async get(approvalId: string): Promise<ApprovalRecord | undefined> {
    const found = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ approvalId }), ConsistentRead: true }),
    );
    return found.Item ? (unmarshall(found.Item) as ApprovalRecord) : undefined;
  }

  /** Records an answer if the request is still pending; otherwise ApprovalAlreadyDecidedError. */
  async decide(approvalId: string, decision: ApprovalDecision): Promise<ApprovalRecord> {
    try {
      const updated = await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ approvalId }),
          UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedAt = :at, reason = :reason',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':status': decision.status,
            ':by': decision.by,
            ':at': decision.at,
            ':reason': decision.reason ?? '',
            ':pending': 'pending',
          }),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return unmarshall(updated.Attributes ?? {}) as ApprovalRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) {
        throw new ApprovalAlreadyDecidedError(unmarshall(error.Item) as ApprovalRecord);
      }
      throw error;
    }
  }

  /**
   * Undoes a recorded decision that never reached the execution: back to `pending` so it can be
   * answered again, or `expired` when the task had already timed out.
   */
  async reopenAs(approvalId: string, status: 'pending' | 'expired', at: string): Promise<ApprovalRecord> {
    const updated = await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ approvalId }),
        UpdateExpression: 'SET #status = :status, decidedAt = :at REMOVE decidedBy',
        ConditionExpression: 'attribute_exists(approvalId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall({ ':status': status, ':at': at }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return unmarshall(updated.Attributes ?? {}) as ApprovalRecord;
  }

  /** Remembers where the request was posted, so its message can be updated once answered. */
  async attachMessage(approvalId: string, message: ApprovalMessage): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ approvalId }),
        UpdateExpression: 'SET message = :message',
        ConditionExpression: 'attribute_exists(approvalId)',
        ExpressionAttributeValues: marshall({ ':message': message }),
      }),
    );
  }
}
