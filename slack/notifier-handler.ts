import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { deployedEnvironment, requiredEnv, withPowertools } from '../handlers/lib/lambda-entry.js';
import type { ApprovalNotice } from '../handlers/shared/request-approval.js';
import { postApprovalRequest } from './approval-answers.js';
import { webClientChat } from './chat.js';
import { deployedCredentials, deployedPolicyOf } from './lambda-config.js';
import type { NotifierDeps } from './slack-deps.js';

let deps: NotifierDeps | undefined;

async function notifierDeps(): Promise<NotifierDeps> {
  deps ??= {
    clients: lazyClients({ dynamodb: DynamoDBClient }),
    environment: deployedEnvironment(),
    policyOf: deployedPolicyOf,
    chat: webClientChat((await deployedCredentials()).botToken),
    approvalTable: requiredEnv('APPROVAL_TABLE_NAME'),
  };
  return deps;
}

/** Subscribed to the approvals topic: posts each request to its approver group's channel. */
export const handler = withPowertools(async (event: SNSEvent) => {
  const slack = await notifierDeps();
  for (const record of event.Records) {
    await postApprovalRequest(JSON.parse(record.Sns.Message) as ApprovalNotice, slack);
  }
});
