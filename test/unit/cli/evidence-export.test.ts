import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportEvidence, verifyEvidence, writeEvidence } from '../../../cli/evidence-command.js';
import { runScenario } from '../../../gameday/run-scenario.js';
import { findScenario } from '../../../gameday/scenarios/catalogue.js';
import type { EvidenceRecord } from '../../../handlers/evidence/evidence-record.js';

const printed = () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
};

/** A folder as `gameday --evidence` writes it, for three game days of three runbooks. */
let source = '';
const records: Record<string, EvidenceRecord> = {};
beforeAll(async () => {
  source = mkdtempSync(join(tmpdir(), 'evidence-source-'));
  for (const id of ['bad-deploy', 'reserved-too-low', 'approval-rejected']) {
    const result = await runScenario(findScenario(id), { evidence: true });
    writeEvidence(source, id, result.evidence ?? { records: [], publicKey: '' });
    const [record] = result.evidence?.records ?? [];
    if (record) records[id] = record;
  }
}, 60_000);

const period = { from: '2026-03-02', to: '2026-03-02', csv: false, json: false };

describe('runbook evidence export', () => {
  afterEach(() => vi.restoreAllMocks());

  it('indexes the period’s runs by control, runbook and account', async () => {
    const lines = printed();
    expect(await exportEvidence({ ...period, source })).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain(
      'Evidence of runs that ended 2026-03-02 to 2026-03-02: 3 run(s), 3 verified, 0 failed verification, 0 unreadable',
    );
    expect(text).toMatch(/ISO\/IEC 27001:2022 8\.32 +2 run\(s\) +Change management/);
    expect(text).toMatch(/api-5xx-spike +2 run\(s\)/);
    expect(text).toMatch(/lambda-throttling +1 run\(s\)/);
    expect(text).toMatch(/123456789012 eu-west-1 +3 run\(s\) +dev/);
  });

  it('leaves out runs that ended outside the period', async () => {
    const lines = printed();
    expect(await exportEvidence({ ...period, from: '2026-03-03', to: '2026-03-31', source })).toBe(0);
    expect(lines[0]).toMatch(/: 0 run\(s\)/);
  });

  it('writes one CSV row per run, with a record’s words never read as a formula', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'evidence-csv-'));
    writeEvidence(folder, 'hostile', {
      records: [
        {
          ...(records['bad-deploy'] as EvidenceRecord),
          execution: { ...(records['bad-deploy'] as EvidenceRecord).execution, name: '=HYPERLINK("x")' },
        },
      ],
      publicKey: readFileSync(join(source, 'bad-deploy', 'public-key.pem'), 'utf8'),
    });
    const lines = printed();
    expect(await exportEvidence({ ...period, source: folder, csv: true })).toBe(1);
    const rows = lines.join('').trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      '"execution","runbook","account","region","environment","started","ended","status","outcome","trigger","approvals","changes","controls","verified","problems","record"',
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^"'=HYPERLINK\(""x""\)","api-5xx-spike",/);
    expect(rows[1]).toContain('"no","execution was changed after signing"');
  });

  it('writes a folder to open offline: index, a page per run, the records, which still verify', async () => {
    const out = mkdtempSync(join(tmpdir(), 'evidence-html-'));
    printed();
    expect(await exportEvidence({ ...period, source, html: out })).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'evidence.csv',
      'index.html',
      'mermaid.min.js',
      'records',
      'runs',
    ]);
    const pages = readdirSync(join(out, 'runs'));
    expect(pages).toHaveLength(3);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const page of pages) expect(index).toContain(`href="runs/${page}"`);
    const rollback = readFileSync(join(out, 'runs', `${records['bad-deploy']?.execution.name}.html`), 'utf8');
    expect(rollback).toContain('<pre class="mermaid">flowchart TD');
    expect(rollback).toContain(
      '<td>alias-rollback</td><td>lambda:UpdateAlias</td><td>checkout-api:live</td>',
    );
    expect(rollback).toMatch(/<td>sim-\d+<\/td>/);
    expect(rollback).toContain('<script src="../mermaid.min.js">');
    vi.restoreAllMocks();
    printed();
    expect(await verifyEvidence(join(out, 'records'), { json: false })).toBe(0);
  });

  it('marks a record that does not verify on the index and on its page, and exits 1', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'evidence-tampered-'));
    const record = records['bad-deploy'] as EvidenceRecord;
    writeEvidence(folder, 'bad-deploy', {
      records: [{ ...record, outcome: { ...record.outcome, result: 'escalated' } }],
      publicKey: readFileSync(join(source, 'bad-deploy', 'public-key.pem'), 'utf8'),
    });
    const out = join(folder, 'export');
    const lines = printed();
    expect(await exportEvidence({ ...period, source: folder, html: out })).toBe(1);
    expect(lines.join('\n')).toContain(
      `✖ ${record.execution.name} (${join(folder, 'bad-deploy', `${record.execution.name}.json`)}): outcome was changed after signing`,
    );
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(
      '✖ does not verify: outcome was changed after signing',
    );
    expect(readFileSync(join(out, 'runs', `${record.execution.name}.html`), 'utf8')).toContain(
      'This record does not verify with the signing key: outcome was changed after signing.',
    );
  });

  it('names a document that is no record instead of rendering it, and keeps hostile names inside the export', async () => {
    const root = mkdtempSync(join(tmpdir(), 'evidence-hostile-'));
    const folder = join(root, 'in');
    const record = records['bad-deploy'] as EvidenceRecord;
    writeEvidence(folder, 'x', {
      records: [{ ...record, execution: { ...record.execution, name: '../../escaped' } }],
      publicKey: readFileSync(join(source, 'bad-deploy', 'public-key.pem'), 'utf8'),
    });
    writeFileSync(join(folder, 'x', 'notes.json'), JSON.stringify({ schemaVersion: '9.9' }));
    const out = join(folder, 'export');
    const lines = printed();
    expect(await exportEvidence({ ...period, source: folder, html: out })).toBe(1);
    expect(lines.join('\n')).toMatch(
      /notes\.json: not an evidence record of schema 1\.0 \(schemaVersion is "9\.9"\); the record is not signed/,
    );
    expect(readdirSync(root)).toEqual(['in']);
    expect(readdirSync(join(folder, 'x')).sort()).toEqual([
      expect.stringMatching(/^______escaped-[0-9a-f]{8}\.json$/),
      'notes.json',
      'public-key.pem',
    ]);
    expect(readdirSync(join(out, 'runs'))).toEqual([
      expect.stringMatching(/^______escaped-[0-9a-f]{8}\.html$/),
    ]);
  });

  it('refuses a period that is not one, and a source it cannot read, changing nothing', async () => {
    await expect(exportEvidence({ ...period, from: '2026-3-2', source })).rejects.toThrow(
      '--from must be a date as yyyy-mm-dd, not "2026-3-2"',
    );
    await expect(exportEvidence({ ...period, from: '2026-03-05', to: '2026-03-01', source })).rejects.toThrow(
      '--to 2026-03-01 is before --from 2026-03-05',
    );
    await expect(exportEvidence({ ...period, from: '2024-01-01', to: '2026-03-01', source })).rejects.toThrow(
      '791 days asked: export at most 400 days at a time',
    );
    await expect(exportEvidence({ ...period })).rejects.toThrow('give --source <dir>');
    await expect(exportEvidence({ ...period, source, aws: true })).rejects.toThrow('not both');
    await expect(exportEvidence({ ...period, aws: true })).rejects.toThrow('--aws needs --bucket');
  });
});
