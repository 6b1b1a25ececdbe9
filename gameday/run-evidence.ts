import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import { buildEvidenceRecord, type EvidenceRecord } from '../handlers/evidence/evidence-record.js';
import { executionFactsOf } from '../handlers/evidence/execution-facts.js';
import { signRecord } from '../handlers/evidence/record-signature.js';
import { auditRecordsOf } from '../handlers/lib/audit-trail.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import type { SimulatedPlatform } from './simulated-platform.js';

/** A game day's evidence: a signed record per execution, and the public key that verifies them. */
export interface RunEvidence {
  readonly records: readonly EvidenceRecord[];
  /** PEM of the signing key's public key, as `GetPublicKey` gives it. */
  readonly publicKey: string;
}

/**
 * The evidence records of a game day's executions, built from the simulated Step Functions'
 * descriptions and histories, the definitions that ran and the changes the steps kept in the
 * audit table, and signed with a signing key of the platform's account (a real key pair behind
 * the simulated KMS).
 */
export async function evidenceOfRun(
  hub: SimulatedAccount,
  platform: SimulatedPlatform,
  executions: readonly { readonly executionArn: string; readonly stateMachine: string }[],
): Promise<RunEvidence> {
  const { sfn, kms, dynamodb } = hub.clients();
  const keyId = hub.kms.createSigningKey();
  const records: EvidenceRecord[] = [];
  for (const execution of executions) {
    const { runbook, asl } = await platform.deployedDefinitionOf(execution.stateMachine);
    const changes = await auditRecordsOf(dynamodb, platform.installed.auditTable, execution.executionArn);
    const facts = await executionFactsOf(sfn, execution.executionArn, runbook, asl, changes);
    records.push(await signRecord(kms, keyId, buildEvidenceRecord(facts)));
  }
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const publicKey = createPublicKey({ key: Buffer.from(PublicKey ?? []), format: 'der', type: 'spki' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
  return { records, publicKey };
}
