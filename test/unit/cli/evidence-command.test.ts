import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { showEvidence, verifyEvidence, writeEvidence } from '../../../cli/evidence-command.js';
import { runScenario } from '../../../gameday/run-scenario.js';
import { findScenario } from '../../../gameday/scenarios/catalogue.js';

const printed = () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  return lines;
};

describe('runbook evidence', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes a game day’s signed records with the public key, verifies them, and names a change made after', async () => {
    const result = await runScenario(findScenario('bad-deploy'), { evidence: true });
    const dir = mkdtempSync(join(tmpdir(), 'evidence-'));
    const folder = writeEvidence(dir, 'bad-deploy', result.evidence ?? { records: [], publicKey: '' });
    const [record] = result.evidence?.records ?? [];
    if (!record) throw new Error('no record');
    const file = join(folder, `${record.execution.name}.json`);

    let lines = printed();
    expect(await verifyEvidence(dir, { json: false })).toBe(0);
    expect(lines.at(-1)).toBe('1 record(s): 1 verified, 0 failed');

    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.changes[0].after.functionVersion = '6';
    writeFileSync(file, JSON.stringify(edited));
    vi.restoreAllMocks();
    lines = printed();
    expect(await verifyEvidence(file, { json: false })).toBe(1);
    expect(lines[0]).toBe(`✖ ${file}: changes was changed after signing`);
  });

  it('prints one record as people read it: trigger, target, the automatic grant, the change, controls', async () => {
    const result = await runScenario(findScenario('bad-deploy'), { evidence: true });
    const dir = mkdtempSync(join(tmpdir(), 'evidence-'));
    writeEvidence(dir, 'bad-deploy', result.evidence ?? { records: [], publicKey: '' });
    const name = result.evidence?.records[0]?.execution.name ?? '';
    const lines = printed();
    expect(await showEvidence(name, { source: dir, json: false })).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('trigger     alarm by alarm (checkout-5xx-rate)');
    expect(text).toContain('target      lambda:checkout-api:live in 123456789012 eu-west-1 (dev)');
    expect(text).toMatch(
      /approval {4}automatic \(policy\): approved by budget of automated change \(automated change 1 of 20/,
    );
    expect(text).toContain('alias-rollback lambda:UpdateAlias checkout-api:live');
    expect(text).toContain('ISO/IEC 27001:2022 8.32');
    expect(text).toMatch(/\(request sim-\d+\)/);
    expect(lines.at(-1)).toBe('  verified    ✔ signature matches the signing key');
    await expect(showEvidence('no-such-run', { source: dir, json: false })).rejects.toThrow(
      /no record of no-such-run/,
    );
  });
});
