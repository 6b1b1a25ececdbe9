import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { EvidenceRecord } from '../handlers/evidence/evidence-record.js';
import { signingPublicKey } from '../handlers/evidence/record-signature.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import type { SimulatedPlatform } from './simulated-platform.js';

/** A game day's evidence: the record of each execution, and the public key that verifies them. */
export interface RunEvidence {
  readonly records: readonly EvidenceRecord[];
  /** PEM of the signing key's public key, as `GetPublicKey` gives it. */
  readonly publicKey: string;
}

/**
 * The evidence records the deployed platform's writer put in its evidence bucket during a game
 * day (one per execution that ended), read back as an auditor reads them, with the signing key's
 * public key.
 */
export async function evidenceOfRun(
  hub: SimulatedAccount,
  platform: SimulatedPlatform,
): Promise<RunEvidence> {
  const { s3, kms } = hub.clients();
  const { bucket, signingKey } = platform.evidenceStore;
  const records: EvidenceRecord[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: 'records/' })) {
    for (const object of page.Contents ?? []) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      records.push(JSON.parse((await got.Body?.transformToString()) ?? 'null') as EvidenceRecord);
    }
  }
  records.sort((a, b) => a.execution.startedAt.localeCompare(b.execution.startedAt));
  return { records, publicKey: await signingPublicKey(kms, signingKey) };
}
