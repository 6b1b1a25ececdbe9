import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { logAuditTrail } from '../handlers/lib/audit-trail.js';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { deployedEnvironment, requiredEnv, withPowertools } from '../handlers/lib/lambda-entry.js';
import type { ApprovalAnswerDeps } from './approval-answers.js';
import { webClientChat } from './chat.js';
import { deployedCredentials, deployedPolicyOf } from './lambda-config.js';
import type { SlackWork } from './slack-http.js';
import { runApproval } from './slack-work.js';

let deps: ApprovalAnswerDeps | undefined;

/** Configuration from the environment, the bot token from the secret; read once per container. */
async function approvalDeps(): Promise<ApprovalAnswerDeps> {
  deps ??= {
    clients: lazyClients({ dynamodb: DynamoDBClient, sfn: SFNClient }),
    now: () => new Date(),
    environment: deployedEnvironment(),
    policyOf: deployedPolicyOf,
    chat: webClientChat((await deployedCredentials()).botToken),
    audit: logAuditTrail,
    approvalTable: requiredEnv('APPROVAL_TABLE_NAME'),
  };
  return deps;
}

/** Answers the Approve and Reject clicks the endpoint handed off. */
export const handler = withPowertools(async (work: Extract<SlackWork, { kind: 'approval' }>) =>
  runApproval(work, await approvalDeps()),
);
