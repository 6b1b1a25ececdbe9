import { describe, expect, it } from 'vitest';
import { wrapped } from '../../../gameday/format-result.js';

describe('wrapped', () => {
  it('breaks text at spaces within 110 characters, the lines after the first under the text', () => {
    const text = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const lines = wrapped('    T+02:00   state    ', text).split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(110);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {23}word\d+/);
    expect(lines.join(' ').replace(/\s+/g, ' ').trim()).toBe(`T+02:00 state ${text}`);
  });

  it('keeps a word longer than a line whole, and leaves short text as it is', () => {
    const arn = `arn:aws:sts::123456789012:assumed-role/${'x'.repeat(120)}`;
    expect(wrapped('  ', `denied ${arn}`)).toBe(`  denied\n  ${arn}`);
    expect(wrapped('  ✔ passed: ', 'remediated')).toBe('  ✔ passed: remediated');
  });
});
