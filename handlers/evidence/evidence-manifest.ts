import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { paginateListExecutions, SFNClient } from '@aws-sdk/client-sfn';
import { type AwsClients, lazyClients } from '../lib/aws-clients.js';
import { defineFunction } from '../lib/define-step.js';
import { requiredEnv, withPowertools } from '../lib/lambda-entry.js';
import { metrics } from '../lib/observability.js';
import { type PlatformMetrics, powertoolsMetrics } from '../lib/platform-metrics.js';
import { type RecordSignature, signingPublicKey, signRecord, verifyRecord } from './record-signature.js';
import { recordKeyOf } from './write-evidence.js';

/** One execution that ended on the day, beside its record. */
export interface ManifestEntry {
  readonly execution: string;
  readonly status: string;
  readonly stoppedAt: string;
  /** The record's key, when there is one. */
  readonly record: string | null;
  readonly verified: boolean;
  readonly problems: readonly string[];
}

/** The completeness manifest of one day. */
export interface EvidenceManifest {
  readonly day: string;
  readonly writtenAt: string;
  readonly executions: readonly ManifestEntry[];
  readonly missing: number;
  /** Signed as records are, so a list that loses an execution after the fact is caught too. */
  readonly signature: RecordSignature | null;
}

export interface ManifestDeps {
  readonly clients: Pick<AwsClients, 'sfn' | 's3' | 'kms'>;
  readonly bucket: string;
  readonly signingKey: string;
  readonly stateMachineArns: readonly string[];
  readonly metrics: PlatformMetrics;
  readonly now: () => Date;
}

/** The day before `now` (UTC, `yyyy-mm-dd`): what the morning's manifest covers. */
export function previousDay(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The day's completeness manifest: every execution of every runbook that ended that day (from
 * Step Functions) beside its record, which must exist and verify with the signing key. Written to
 * `manifests/<day>.json`; each execution without a valid record counts `MissingEvidenceRecords`,
 * whose alarm tells the platform's owners.
 */
export async function writeManifest(day: string | undefined, deps: ManifestDeps): Promise<EvidenceManifest> {
  const covered = day ?? previousDay(deps.now());
  const publicKey = await signingPublicKey(deps.clients.kms, deps.signingKey);
  const entries: ManifestEntry[] = [];
  for (const stateMachineArn of deps.stateMachineArns) {
    for await (const page of paginateListExecutions({ client: deps.clients.sfn }, { stateMachineArn })) {
      for (const execution of page.executions ?? []) {
        if (!execution.stopDate || execution.stopDate.toISOString().slice(0, 10) !== covered) continue;
        const key = recordKeyOf(execution.name ?? '', execution.stopDate);
        let record: unknown;
        try {
          const got = await deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
          record = JSON.parse((await got.Body?.transformToString()) ?? 'null');
        } catch (error) {
          if (!(error instanceof NoSuchKey)) throw error;
        }
        const verification = record === undefined ? undefined : verifyRecord(record, publicKey);
        entries.push({
          execution: execution.executionArn ?? '',
          status: execution.status ?? 'UNKNOWN',
          stoppedAt: execution.stopDate.toISOString(),
          record: record === undefined ? null : key,
          verified: verification?.valid === true,
          problems: !verification ? ['no record'] : verification.valid ? [] : verification.problems,
        });
      }
    }
  }
  const missing = entries.filter((e) => !e.verified).length;
  for (let i = 0; i < missing; i += 1) deps.metrics.count('MissingEvidenceRecords');
  const manifest = await signRecord<EvidenceManifest>(deps.clients.kms, deps.signingKey, {
    day: covered,
    writtenAt: deps.now().toISOString(),
    executions: entries.sort((a, b) => a.stoppedAt.localeCompare(b.stoppedAt)),
    missing,
    signature: null,
  });
  await deps.clients.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: `manifests/${covered}.json`,
      Body: `${JSON.stringify(manifest, null, 2)}\n`,
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  return manifest;
}

/** The manifest as deployed: its clients and the permissions their calls need. */
export const evidenceManifestFunction = defineFunction({
  name: 'evidence-manifest',
  module: import.meta.url,
  clients: { sfn: SFNClient, s3: S3Client, kms: KMSClient },
  permissions: [
    { actions: ['states:ListExecutions'], on: 'state-machines' },
    { actions: ['kms:GetPublicKey', 'kms:Sign'], on: 'evidence-signing-key' },
    { actions: ['s3:GetObject'], on: 'evidence-records' },
    { actions: ['s3:PutObject'], on: 'evidence-manifests' },
  ],
});

let deps: ManifestDeps | undefined;

/** The daily schedule's target: the previous day's manifest, or the day its input names. */
export const handler = withPowertools(async (event: { readonly day?: string }) => {
  deps ??= {
    clients: lazyClients(evidenceManifestFunction.clients),
    bucket: requiredEnv('EVIDENCE_BUCKET_NAME'),
    signingKey: requiredEnv('EVIDENCE_SIGNING_KEY_ARN'),
    stateMachineArns: JSON.parse(requiredEnv('STATE_MACHINE_ARNS')) as string[],
    metrics: powertoolsMetrics,
    now: () => new Date(),
  };
  const day = typeof event?.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(event.day) ? event.day : undefined;
  return writeManifest(day, deps);
}, logMetrics(metrics));
