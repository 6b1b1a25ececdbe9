import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeStateMachineForExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { auditRecordsOf } from '../lib/audit-trail.js';
import { type AwsClients, lazyClients } from '../lib/aws-clients.js';
import { defineFunction } from '../lib/define-step.js';
import { requiredEnv, withPowertools } from '../lib/lambda-entry.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import { buildEvidenceRecord } from './evidence-record.js';
import { executionFactsOf } from './execution-facts.js';
import { signRecord } from './record-signature.js';

/** Step Functions' event for an execution that ended, as the evidence rule delivers it. */
const endedSchema = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.looseObject({
    executionArn: nonEmptyString(),
    name: nonEmptyString(),
    status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
    stopDate: z.optional(z.nullable(z.number())),
  }),
});

export interface EvidenceWriterDeps {
  readonly clients: Pick<AwsClients, 'sfn' | 'dynamodb' | 'kms' | 's3'>;
  readonly auditTable: string;
  readonly bucket: string;
  readonly signingKey: string;
  readonly now: () => Date;
}

/** Where an execution's record is kept: by the day it ended, then its name. */
export function recordKeyOf(executionName: string, endedAt: Date): string {
  const day = endedAt.toISOString().slice(0, 10).replaceAll('-', '/');
  return `records/${day}/${executionName}.json`;
}

/**
 * Writes the signed evidence record of an execution that ended (succeeded, escalated, failed,
 * timed out or was aborted): built from Step Functions (its description, its history, the
 * definition it ran) and the audit table, signed with the platform's signing key, and put in
 * the evidence bucket, whose Object Lock keeps it unchanged. A record already written is left
 * as it is: EventBridge delivers at least once.
 */
export async function writeEvidence(
  event: unknown,
  deps: EvidenceWriterDeps,
): Promise<{ readonly key: string; readonly written: boolean }> {
  const { detail } = parseInput(endedSchema, event, 'write-evidence');
  const key = recordKeyOf(detail.name, new Date(detail.stopDate ?? deps.now().getTime()));
  try {
    await deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key }));
    return { key, written: false };
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
  }
  const { definition } = await deps.clients.sfn.send(
    new DescribeStateMachineForExecutionCommand({ executionArn: detail.executionArn }),
  );
  const changes = await auditRecordsOf(deps.clients.dynamodb, deps.auditTable, detail.executionArn);
  const facts = await executionFactsOf(
    deps.clients.sfn,
    detail.executionArn,
    undefined,
    JSON.parse(definition ?? 'null'),
    changes,
  );
  const record = await signRecord(deps.clients.kms, deps.signingKey, buildEvidenceRecord(facts));
  await deps.clients.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: key,
      Body: `${JSON.stringify(record, null, 2)}\n`,
      ContentType: 'application/json',
      // Object Lock asks every write to carry a checksum.
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  return { key, written: true };
}

/** The evidence writer as deployed: its clients and the permissions their calls need. */
export const evidenceWriterFunction = defineFunction({
  name: 'write-evidence',
  module: import.meta.url,
  clients: { sfn: SFNClient, dynamodb: DynamoDBClient, kms: KMSClient, s3: S3Client },
  permissions: [
    {
      actions: [
        'states:DescribeExecution',
        'states:GetExecutionHistory',
        'states:DescribeStateMachineForExecution',
      ],
      on: 'executions',
    },
    { actions: ['dynamodb:Query'], on: 'audit-table' },
    { actions: ['kms:Sign'], on: 'evidence-signing-key' },
    // HeadObject is s3:GetObject.
    { actions: ['s3:GetObject', 's3:PutObject'], on: 'evidence-records' },
  ],
});

let deps: EvidenceWriterDeps | undefined;

/** The writer in Lambda: configuration from the environment, clients built on first use. */
export const handler = withPowertools(async (event: unknown) => {
  deps ??= {
    clients: lazyClients(evidenceWriterFunction.clients),
    auditTable: requiredEnv('AUDIT_TABLE_NAME'),
    bucket: requiredEnv('EVIDENCE_BUCKET_NAME'),
    signingKey: requiredEnv('EVIDENCE_SIGNING_KEY_ARN'),
    now: () => new Date(),
  };
  return writeEvidence(event, deps);
});
