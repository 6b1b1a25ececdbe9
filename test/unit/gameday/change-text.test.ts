import { describe, expect, it } from 'vitest';
import { describeChange } from '../../../gameday/timeline.js';

describe('a change as the timeline shows it', () => {
  it('names only the fields that changed, each before → after', () => {
    expect(
      describeChange(
        { functionVersion: '6', additionalVersionWeights: {} },
        { functionVersion: '5', additionalVersionWeights: {} },
      ),
    ).toBe('functionVersion 6 → 5');
    expect(
      describeChange({ runtime: 'nodejs18.x', memory: 128 }, { runtime: 'nodejs22.x', memory: 256 }),
    ).toBe('runtime nodejs18.x → nodejs22.x, memory 128 → 256');
  });

  it('shows values that are not records whole, absent ones as none, and long ones cut short', () => {
    expect(describeChange(20, 40)).toBe('20 → 40');
    expect(describeChange(null, { version: '2' })).toBe('none → {"version":"2"}');
    expect(describeChange({ a: 1 }, { a: 1 })).toBe('unchanged');
    const long = 'x'.repeat(100);
    expect(describeChange(long, 'y')).toBe(`${'x'.repeat(59)}… → y`);
  });
});
