import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { ApprovalAlreadyDecidedError, ApprovalRecords, approvalIdFor } from '../lib/approval-records.js';
import { defineStep } from '../lib/define-step.js';
import { idempotentStep } from '../lib/idempotent-step.js';
import { notify } from '../lib/notify.js';
import { parseInput } from '../lib/parse-input.js';
import { accountId, nonEmptyString, nonNegativeInt, positiveInt } from '../lib/schemas.js';
import { type Environment, environments, type StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  taskToken: nonEmptyString(),
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  summary: nonEmptyString(),
  /** The approver group asked now, and the one asked before it (whose time ran out), if any. */
  group: nonEmptyString(),
  previousGroup: z.optional(nonEmptyString()),
  tier: nonNegativeInt(),
  tiers: positiveInt(),
  requestedBy: nonEmptyString(),
  timeoutSeconds: positiveInt(),
  evidence: z.unknown(),
  /** Where the run acts (a hub asks for every account it acts in), and its environment's policy. */
  account: z.optional(accountId()),
  region: z.optional(nonEmptyString()),
  environment: z.optional(z.enum(environments)),
});

export type RequestApprovalInput = z.input<typeof inputSchema>;

export interface ApprovalRequested {
  readonly approvalId: string;
  readonly requestedAt: string;
  readonly messageId: string;
}

/** What the approvals topic carries: everything people need to decide, but never the task token. */
export interface ApprovalNotice {
  readonly approvalId: string;
  readonly runbook: string;
  readonly executionId: string;
  readonly group: string;
  readonly tier: number;
  readonly tiers: number;
  readonly requestedBy: string;
  readonly proposal: string;
  readonly answerBefore: string;
  /** The approval this one replaces after nobody answered it. */
  readonly escalatedFrom?: string;
  readonly evidence: unknown;
  /** The account and region the change would be made in. */
  readonly account?: string;
  readonly region?: string;
  /** The environment whose approver groups and rules decide (the run's account's). */
  readonly environment: Environment;
}

/**
 * Asks an approver group to approve a remediation. Runs as a `waitForTaskToken` task: the token is
 * stored with the request, and the execution waits until an approver's answer is sent with it
 * (SendTaskSuccess / SendTaskFailure) or the task times out, which asks the next group.
 */
const requestApprovalOnce: StepCore<RequestApprovalInput, ApprovalRequested, 'sns' | 'dynamodb'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'request-approval');
  const records = new ApprovalRecords(deps.clients.dynamodb, deps.approvalTable);
  const requestedAt = deps.now().toISOString();
  const answerBefore = new Date(Date.parse(requestedAt) + input.timeoutSeconds * 1000).toISOString();
  const approvalId = approvalIdFor(input.executionId, input.group);
  const environment = input.environment ?? deps.environment;
  const escalatedFrom = input.previousGroup && approvalIdFor(input.executionId, input.previousGroup);
  if (escalatedFrom) {
    try {
      await records.decide(escalatedFrom, { status: 'expired', by: 'timeout', at: requestedAt });
    } catch (error) {
      // Already expired by an earlier attempt of this step, or answered too late to count.
      if (!(error instanceof ApprovalAlreadyDecidedError)) throw error;
    }
  }
  await records.put({
    approvalId,
    taskToken: input.taskToken,
    executionId: input.executionId,
    runbook: input.runbook,
    group: input.group,
    tier: input.tier,
    tiers: input.tiers,
    requestedBy: input.requestedBy,
    summary: input.summary,
    requestedAt,
    answerBefore,
    status: 'pending',
    environment,
  });
  const notice: ApprovalNotice = {
    approvalId,
    runbook: input.runbook,
    executionId: input.executionId,
    group: input.group,
    tier: input.tier,
    tiers: input.tiers,
    requestedBy: input.requestedBy,
    proposal: input.summary,
    answerBefore,
    ...(escalatedFrom ? { escalatedFrom } : {}),
    evidence: input.evidence,
    ...(input.account ? { account: input.account } : {}),
    ...(input.region ? { region: input.region } : {}),
    environment,
  };
  const subject = `Approval needed (${input.group}): ${input.runbook}`;
  const messageId = await notify(deps, deps.topics.approvals, subject, { ...notice });
  return { approvalId, requestedAt, messageId };
};

/** The step, idempotent on `[executionId, taskToken, group]`: a retry returns the first result instead of acting twice. */
export const requestApproval = idempotentStep(
  'request-approval',
  requestApprovalOnce,
  '[executionId, taskToken, group]',
);

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'request-approval',
  module: import.meta.url,
  clients: { sns: SNSClient, dynamodb: DynamoDBClient },
  core: requestApproval,
  permissions: [
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], on: 'approval-table' },
    { actions: ['sns:Publish'], on: 'approval-topic' },
  ],
  idempotent: true,
});

export const handler = step.handler;
