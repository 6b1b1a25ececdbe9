import { describe, expect, it } from 'vitest';
import { rateChangesOf, rateChart, rateTable } from '../../../gameday/report/rate-over-time.js';

const report = {
  rateLog: [
    { at: '2026-03-02T09:24:00.000Z', rate: 100, reason: "the runbook's default rate to start" },
    { at: '2026-03-02T09:24:01.000Z', rate: 150, reason: 'the consumer keeps up' },
    { at: '2026-03-02T09:24:07.000Z', rate: 75, reason: "the source queue's backlog grew by 84 (40 → 124)" },
  ],
  reportedAt: '2026-03-02T09:24:20.000Z',
};

describe('the rate over a replay', () => {
  it('prints each change with its time since the start, the rate and why', () => {
    expect(rateTable(rateChangesOf(report))).toEqual([
      '    rate over the replay:',
      "       +0:00   100/s  the runbook's default rate to start",
      '       +0:01   150/s  the consumer keeps up',
      "       +0:07    75/s  the source queue's backlog grew by 84 (40 → 124)",
    ]);
  });

  it('draws a step chart to the report’s end, each point with its reason, and nothing for a run without one', () => {
    const chart = rateChart(rateChangesOf(report), report.reportedAt);
    expect(chart).toMatch(/^<svg class="rate-chart"/);
    expect((chart.match(/<circle /g) ?? []).length).toBe(3);
    expect(chart).toContain(
      '<title>+0:07 75/s: the source queue&#39;s backlog grew by 84 (40 → 124)</title>'.replace('&#39;', "'"),
    );
    expect(chart).toContain('>+0:20</text>');
    expect(rateChart(rateChangesOf({ outcome: 'replayed' }))).toBe('');
    expect(rateChangesOf({ rateLog: [{ at: 1, rate: 'x' }] })).toEqual([]);
  });
});
