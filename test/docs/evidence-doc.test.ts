import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { controlMatrix, type EvidencedSubject } from '../../handlers/evidence/control-matrix.js';

/** The rows of docs/evidence-record.md's control table, by the subjects each names. */
const rows: Readonly<Record<string, readonly EvidencedSubject[]>> = {
  'alias rollback': ['alias-rollback'],
  'concurrency change, provisioned concurrency': ['concurrency-change', 'provisioned-concurrency'],
  replay: ['replay'],
  quarantine: ['quarantine'],
  rotation: ['rotation'],
  'rollback of a rotation': ['rotation-rollback'],
  'runtime upgrade': ['runtime-upgrade'],
  'queue settings': ['queue-settings'],
  approval: ['approval'],
  'four eyes': ['four-eyes'],
  escalation: ['escalation'],
  "any other change (a team's runbook)": ['change'],
};

describe('docs/evidence-record.md', () => {
  it('shows the control matrix as the code has it, every kind in one row', () => {
    const doc = readFileSync('docs/evidence-record.md', 'utf8');
    const table = doc.slice(doc.indexOf('| kind |'));
    const found = new Map(
      table
        .split('\n')
        .filter((line) => line.startsWith('| ') && !line.startsWith('| kind') && !line.startsWith('| ---'))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map(([, label = '', iso = '', soc = '', csf = '']) => [
          label,
          [iso, soc, csf].flatMap((ids) => ids.split(', ')).sort(),
        ]),
    );
    expect([...found.keys()].sort()).toEqual(Object.keys(rows).sort());
    for (const [label, subjects] of Object.entries(rows)) {
      for (const subject of subjects) {
        const ids = controlMatrix[subject].map((c) => c.id).sort();
        expect(found.get(label), `${label} (${subject})`).toEqual(ids);
      }
    }
  });
});
