import type { ScenarioResult } from './run-scenario.js';

/** Time since the fault, as every timeline shows it: `T+02:00`, `T+1:05:00`. */
export function clock(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return `T${sign}${h > 0 ? `${h}:` : ''}${mmss}`;
}

function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

/** A game day's timeline and verdict as people read them in a terminal. */
export function formatResult(result: ScenarioResult): string {
  const lines = [`▶ ${result.scenario} (runbook ${result.runbook})`, `  ${result.description}`];
  for (const entry of result.timeline) {
    lines.push(`    ${clock(entry.offsetSeconds).padEnd(9)} ${entry.kind.padEnd(8)} ${entry.text}`);
  }
  const facts = `${result.summary} · runbook ${duration(result.runbookSeconds)} virtual, ${result.wallMs} ms wall`;
  lines.push(result.outcome === 'passed' ? `  ✔ passed: ${facts}` : `  ✖ FAILED: ${facts}`);
  const expected = result.expected as Record<string, unknown>;
  const actual = result.actual as Record<string, unknown>;
  for (const key of result.mismatches) {
    lines.push(`      expected ${String(key)} = ${String(expected[key])}, got ${String(actual[key])}`);
  }
  for (const mismatch of result.accessMismatches) lines.push(`      ${mismatch}`);
  return lines.join('\n');
}
