import { describe, expect, it } from 'vitest';
import { painterFor } from '../../../cli/colour.js';

const csi = '\u001b[';

describe('colour on the command line', () => {
  it('paints on a terminal', () => {
    expect(painterFor({ isTTY: true }, {})('green', 'passed')).toBe(`${csi}32mpassed${csi}39m`);
  });

  it('leaves pipes and files plain, and respects NO_COLOR and TERM=dumb', () => {
    expect(painterFor({ isTTY: false }, {})('green', 'passed')).toBe('passed');
    expect(painterFor({}, {})('red', 'failed')).toBe('failed');
    expect(painterFor({ isTTY: true }, { NO_COLOR: '1' })('green', 'passed')).toBe('passed');
    expect(painterFor({ isTTY: true }, { TERM: 'dumb' })('green', 'passed')).toBe('passed');
    // An empty NO_COLOR does not count (no-color.org).
    expect(painterFor({ isTTY: true }, { NO_COLOR: '' })('green', 'passed')).not.toBe('passed');
  });
});
