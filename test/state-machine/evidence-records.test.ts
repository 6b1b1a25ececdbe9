import { generateKeyPairSync } from 'node:crypto';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunAccounts, runScenario, type ScenarioResult } from '../../gameday/run-scenario.js';
import { findScenario, scenarios } from '../../gameday/scenarios/catalogue.js';
import type { EvidenceRecord } from '../../handlers/evidence/evidence-record.js';
import { verifyRecord } from '../../handlers/evidence/record-signature.js';

const results: ScenarioResult[] = [];
beforeAll(async () => {
  for (const scenario of scenarios) results.push(await runScenario(scenario, { evidence: true }));
}, 300_000);

const evidenceOf = (result: ScenarioResult) => {
  if (!result.evidence) throw new Error(`${result.scenario} has no evidence`);
  return result.evidence;
};

describe('evidence records of the game days', () => {
  it('leaves one signed record per execution, each verifying with the public key', () => {
    for (const result of results) {
      const { records, publicKey } = evidenceOf(result);
      expect(records.map((r) => r.execution.name).sort(), result.scenario).toEqual(
        result.finalState.executions.map((e) => e.name).sort(),
      );
      for (const record of records)
        expect(verifyRecord(record, publicKey), result.scenario).toEqual({ valid: true });
    }
  });

  it('puts every change a game day made in exactly one record', () => {
    for (const result of results) {
      const changed = result.timeline.filter((e) => e.kind === 'change').length;
      const recorded = evidenceOf(result).records.flatMap((r: EvidenceRecord) =>
        r.changes.map((c) => JSON.stringify([c.at, c.step, c.action, c.resource, c.after])),
      );
      expect(recorded.length, result.scenario).toBe(changed);
      expect(new Set(recorded).size, result.scenario).toBe(recorded.length);
    }
  });

  it('gives each change made by one call the request id AWS returned for it, to find it in CloudTrail', () => {
    const changes = results.flatMap((r) => evidenceOf(r).records.flatMap((record) => record.changes));
    const single = changes.filter((c) => c.step !== 'replay-batch');
    expect(single.length).toBeGreaterThan(20);
    for (const change of single)
      expect(change.requestIds, change.action).toEqual([expect.stringMatching(/^sim-\d+$/)]);
    // A replay is thousands of calls: counted in before/after instead.
    expect(changes.filter((c) => c.step === 'replay-batch').every((c) => c.requestIds.length === 0)).toBe(
      true,
    );
  });

  it('carries the definition’s diagram with the path the run took', () => {
    const result = results.find((r) => r.scenario === 'bad-deploy');
    const [record] = result ? evidenceOf(result).records : [];
    expect(record?.definition.diagram).toMatch(/^flowchart TD/);
    expect(record?.definition.diagram).toMatch(/class [^\n]*visited/);
    expect(record?.definition.diagram).toMatch(/\n {2}class \w+ endedHere/);
  });

  it('carries an adaptive replay’s rate over time, and nothing of the kind for other runs', () => {
    const paced = results.find((r) => r.scenario === 'consumer-fails-above-250');
    const [record] = paced ? evidenceOf(paced).records : [];
    expect(record?.pace?.[0]).toEqual({
      at: expect.any(String),
      rate: 100,
      reason: "the runbook's default rate to start",
    });
    expect(record?.pace?.some((p) => p.reason.startsWith("the source queue's backlog grew"))).toBe(true);
    const rollback = results.find((r) => r.scenario === 'bad-deploy');
    expect(rollback && evidenceOf(rollback).records[0]?.pace).toBeUndefined();
  });

  it('names every field changed after signing, and a record signed by another key', () => {
    const result = results.find((r) => r.scenario === 'approval-rejected');
    const [record] = result ? evidenceOf(result).records : [];
    if (!record || !result) throw new Error('no record');
    for (const field of Object.keys(record).filter((f) => f !== 'signature')) {
      const tampered = { ...record, [field]: { tampered: true } };
      expect(verifyRecord(tampered, evidenceOf(result).publicKey)).toEqual({
        valid: false,
        problems: [`${field} was changed after signing`],
      });
    }
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      format: 'pem',
      type: 'spki',
    });
    expect(verifyRecord(record, other.toString())).toMatchObject({
      valid: false,
      problems: [expect.stringContaining('does not match this key')],
    });
    expect(verifyRecord({ ...record, signature: null }, evidenceOf(result).publicKey)).toEqual({
      valid: false,
      problems: ['the record is not signed'],
    });
  });

  it('records who approved a rollback beside who asked, and the controls that evidences', () => {
    const result = results.find((r) => r.scenario === 'spoke-bad-deploy');
    const [record] = result ? evidenceOf(result).records : [];
    expect(record?.approvals).toEqual([
      expect.objectContaining({
        group: 'on-call',
        answer: 'approved',
        by: 'scripted-approver',
        fourEyes: { requester: 'alarm', approver: 'scripted-approver', distinct: true },
      }),
    ]);
    expect(record?.target).toEqual({
      key: 'apigateway:checkout',
      account: '444455556666',
      region: 'eu-west-1',
      environment: 'prod',
    });
    expect(record?.changes).toEqual([
      expect.objectContaining({
        kind: 'alias-rollback',
        account: '444455556666',
        before: { functionVersion: '6', additionalVersionWeights: {} },
      }),
    ]);
    const ids = record?.controls.map((c) => `${c.standard} ${c.id}`);
    expect(ids).toEqual(
      expect.arrayContaining(['ISO/IEC 27001:2022 8.32', 'ISO/IEC 27001:2022 5.3', 'SOC 2 CC8.1']),
    );
  });
});

describe('the evidence bucket in the simulated account', () => {
  it('keeps each record as written: a version under retention cannot be deleted, not even by the account', async () => {
    let accounts: RunAccounts | undefined;
    const result = await runScenario(findScenario('bad-deploy'), {
      evidence: true,
      onAccount: (_, all) => (accounts = all),
    });
    const hub = accounts?.hub;
    const [record] = result.evidence?.records ?? [];
    if (!hub || !record) throw new Error('no record');
    const key = `records/2026/03/02/${record.execution.name}.json`;
    const bucket = hub.s3.bucketNames().find((name) => hub.s3.versionsOf(name, key).length > 0) ?? '';
    const [version] = hub.s3.versionsOf(bucket, key);
    expect(version).toMatchObject({ mode: 'COMPLIANCE' });
    await expect(
      hub
        .clients()
        .s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: version?.versionId })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(hub.s3.versionsOf(bucket, key)).toHaveLength(1);
  });
});
