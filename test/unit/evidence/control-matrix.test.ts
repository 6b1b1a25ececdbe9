import { describe, expect, it } from 'vitest';
import {
  controlMatrix,
  controlsOf,
  type Standard,
  standards,
} from '../../../handlers/evidence/control-matrix.js';
import { changeKinds } from '../../../handlers/lib/audit-trail.js';

/** How each standard writes its ids. */
const idPatterns: Record<Standard, RegExp> = {
  'ISO/IEC 27001:2022': /^[5-8]\.\d{1,2}$/,
  'SOC 2': /^(CC[1-9]\.\d|A1\.\d)$/,
  'NIST CSF 2.0': /^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-\d{2}$/,
};

describe('the control matrix', () => {
  it('maps every kind of change and decision to controls of each standard', () => {
    for (const subject of [...changeKinds, 'four-eyes', 'escalation', 'record'] as const) {
      const standardsCovered = new Set(controlMatrix[subject].map((c) => c.standard));
      expect([...standardsCovered].sort(), subject).toEqual(Object.keys(standards).sort());
    }
  });

  it('writes every control id as its standard does, with one title per id', () => {
    const titles = new Map<string, string>();
    for (const controls of Object.values(controlMatrix)) {
      for (const c of controls) {
        expect(c.id, c.title).toMatch(idPatterns[c.standard]);
        const key = `${c.standard} ${c.id}`;
        expect(titles.get(key) ?? c.title, key).toBe(c.title);
        titles.set(key, c.title);
      }
    }
  });

  it('lists what a set of subjects evidences once each, by standard then id', () => {
    const controls = controlsOf(['alias-rollback', 'four-eyes', 'alias-rollback']);
    const keys = controls.map((c) => `${c.standard} ${c.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('ISO/IEC 27001:2022 8.32');
    expect(keys).toContain('ISO/IEC 27001:2022 5.3');
    expect(keys.indexOf('ISO/IEC 27001:2022 5.3')).toBeLessThan(keys.indexOf('ISO/IEC 27001:2022 8.32'));
    expect(keys.indexOf('ISO/IEC 27001:2022 8.32')).toBeLessThan(keys.indexOf('SOC 2 CC6.3'));
  });
});
