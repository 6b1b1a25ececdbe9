import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type BucketClients,
  exportEvidence,
  showEvidence,
  verifyEvidence,
} from '../../cli/evidence-command.js';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { runScenario } from '../../gameday/run-scenario.js';
import { findScenario } from '../../gameday/scenarios/catalogue.js';
import type { EvidenceRecord } from '../../handlers/evidence/evidence-record.js';
import { recordKeyOf } from '../../handlers/evidence/write-evidence.js';

/**
 * `--aws` reads the evidence bucket through the S3 API: here an S3 implementation we did not
 * write (s3rver) on loopback holds the records a game day's writer signed, and the simulated hub
 * answers for KMS (the signing key's public key) and Step Functions (when a run ended).
 */
const bucket = 'evidence-records';
let server: S3rver;
let s3: S3Client;
let hub: SimulatedAccount | undefined;
let record: EvidenceRecord;

const lines: string[] = [];
const capture = () => {
  lines.length = 0;
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
};

beforeAll(async () => {
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: mkdtempSync(join(tmpdir(), 's3rver-')),
  });
  const { port } = await server.run();
  s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const result = await runScenario(findScenario('bad-deploy'), {
    evidence: true,
    onAccount: (_, all) => (hub = all.hub),
  });
  const [first] = result.evidence?.records ?? [];
  if (!first) throw new Error('no record');
  record = first;
  const put = (key: string, body: unknown) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(body),
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  const stopped = new Date(record.execution.stoppedAt ?? '');
  await put(recordKeyOf(record.execution.name, stopped), record);
  await put(recordKeyOf('edited-afterwards', stopped), { ...record, changes: [] });
  await put(recordKeyOf('a-later-day', new Date('2026-03-04T10:00:00Z')), record);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await server?.close();
});
afterEach(() => vi.restoreAllMocks());

const aws = () => {
  if (!hub) throw new Error('no hub');
  const clients: BucketClients = { s3, kms: hub.clients().kms, sfn: hub.clients().sfn };
  // The stack's output; a record's own keyId is never trusted for verifying it.
  return { aws: true, bucket, signingKey: record.signature?.keyId ?? '', clients, json: false };
};

describe('runbook evidence --aws', () => {
  it('exports the period’s records from the bucket, verified with the signing key, naming one edited afterwards', async () => {
    const out = mkdtempSync(join(tmpdir(), 'evidence-aws-'));
    capture();
    expect(
      await exportEvidence({ ...aws(), from: '2026-03-02', to: '2026-03-02', html: out, csv: false }),
    ).toBe(1);
    const [summary, failure] = (lines[0] ?? '').split('\n');
    expect(summary).toBe(
      'Evidence of runs that ended 2026-03-02 to 2026-03-02: 2 run(s), 1 verified, 1 failed verification, 0 unreadable',
    );
    expect(failure).toBe(
      `  ✖ ${record.execution.name} (s3://${bucket}/records/2026/03/02/edited-afterwards.json): changes was changed after signing`,
    );
    expect(readdirSync(join(out, 'runs'))).toHaveLength(2);
  });

  it('verifies every record of the days asked and names the one changed', async () => {
    capture();
    expect(await verifyEvidence(undefined, { ...aws(), from: '2026-03-02', to: '2026-03-04' })).toBe(1);
    expect(lines).toEqual([
      `✔ s3://${bucket}/records/2026/03/02/${record.execution.name}.json`,
      `✖ s3://${bucket}/records/2026/03/02/edited-afterwards.json: changes was changed after signing`,
      `✔ s3://${bucket}/records/2026/03/04/a-later-day.json`,
      '3 record(s): 2 verified, 1 failed',
    ]);
  });

  it('shows one execution’s record, found by its ARN under the day it ended', async () => {
    capture();
    expect(await showEvidence(record.execution.arn, aws())).toBe(0);
    expect(lines[0]).toContain(`${record.execution.name} (api-5xx-spike): remediated, SUCCEEDED`);
    expect(lines.at(-1)).toBe('  verified    ✔ signature matches the signing key');
    await expect(showEvidence(record.execution.name, aws())).rejects.toThrow('name the execution by its ARN');
  });
});
