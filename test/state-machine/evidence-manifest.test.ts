import { describe, expect, it } from 'vitest';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { defaultConfiguration } from '../../gameday/iam/platform-configurations.js';
import { deployPlatform } from '../../gameday/iam/platform-deployment.js';
import { deploymentSettings, type RunAccounts, runScenario } from '../../gameday/run-scenario.js';
import { findScenario } from '../../gameday/scenarios/catalogue.js';
import { writeManifest } from '../../handlers/evidence/evidence-manifest.js';
import { signingPublicKey, verifyRecord } from '../../handlers/evidence/record-signature.js';

/** Runs a game day and writes the day's manifest as the deployed manifest function, under its role. */
async function manifestAfter(id: string, dropSigning = false) {
  const scenario = findScenario(id);
  let accounts: RunAccounts | undefined;
  const settings = (identity: SimulatedAccount['identity']) =>
    deploymentSettings(scenario, defaultConfiguration, identity);
  const deployed = await deployPlatform(settings({ accountId: '123456789012', region: 'eu-west-1' }), {
    accountId: '123456789012',
    region: 'eu-west-1',
  });
  const writer = deployed.platformFunction('write-evidence');
  // A what-if: the writer cannot sign, so no record is written.
  const deployment = dropSigning
    ? deployed.withPolicies(
        writer.name,
        writer.policies.map((p) => ({
          ...p,
          Statement: (p.Statement as { Action: unknown }[]).filter(
            (s) => !JSON.stringify(s.Action).includes('kms:Sign'),
          ),
        })),
      )
    : deployed;
  await runScenario(scenario, {
    deployment,
    onAccount: (_, all) => (accounts = all),
  });
  const hub = accounts?.hub;
  if (!hub) throw new Error('no hub');
  const fn = deployed.platformFunction('evidence-manifest');
  const counted: string[] = [];
  const manifest = await writeManifest('2026-03-02', {
    clients: hub.clients({ principal: deployed.principalOf(fn), policies: fn.policies }),
    bucket: fn.environment.EVIDENCE_BUCKET_NAME ?? '',
    signingKey: fn.environment.EVIDENCE_SIGNING_KEY_ARN ?? '',
    stateMachineArns: JSON.parse(fn.environment.STATE_MACHINE_ARNS ?? '[]'),
    metrics: { count: (name) => counted.push(name) },
    now: () => hub.clock.now(),
  });
  const publicKey = await signingPublicKey(hub.clients().kms, fn.environment.EVIDENCE_SIGNING_KEY_ARN ?? '');
  return { manifest, counted, hub, bucket: fn.environment.EVIDENCE_BUCKET_NAME ?? '', publicKey };
}

describe('the daily evidence manifest', () => {
  it('lists every execution that ended that day beside its verified record, and keeps itself in the bucket', async () => {
    const { manifest, counted, hub, bucket } = await manifestAfter('bad-deploy');
    expect(manifest.missing).toBe(0);
    expect(manifest.executions).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', verified: true, problems: [] }),
    ]);
    expect(manifest.executions[0]?.record).toMatch(/^records\/2026\/03\/02\/api-5xx-spike-/);
    expect(counted).toEqual([]);
    expect(hub.s3.versionsOf(bucket, 'manifests/2026-03-02.json')).toHaveLength(1);
  });

  it('is signed as records are: an execution dropped from the list afterwards is named', async () => {
    const { manifest, publicKey } = await manifestAfter('bad-deploy');
    expect(verifyRecord(manifest, publicKey)).toEqual({ valid: true });
    expect(verifyRecord({ ...manifest, executions: [] }, publicKey)).toEqual({
      valid: false,
      problems: ['executions was changed after signing'],
    });
  });

  it('names an execution whose record is missing and counts it for the alarm', async () => {
    const { manifest, counted } = await manifestAfter('bad-deploy', true);
    expect(manifest.missing).toBe(1);
    expect(manifest.executions).toEqual([
      expect.objectContaining({ record: null, verified: false, problems: ['no record'] }),
    ]);
    expect(counted).toEqual(['MissingEvidenceRecords']);
  });
});
