import { rateChangesOf, rateTable } from './report/rate-over-time.js';
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

/** Lines no wider than a terminal shows without breaking words. */
const width = 110;

/**
 * `text` after `prefix`, broken at spaces so no line is wider than `width`; the lines after the
 * first start under the text, so a timeline's columns stay readable. A word longer than a line
 * (an ARN) stays whole.
 */
export function wrapped(prefix: string, text: string): string {
  const indent = ' '.repeat(prefix.length);
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(' ')) {
    const start = line === prefix || line === indent;
    if (!start && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = start ? line + word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** A game day's timeline and verdict as people read them in a terminal. */
export function formatResult(result: ScenarioResult): string {
  const lines = [`▶ ${result.scenario} (runbook ${result.runbook})`, wrapped('  ', result.description)];
  for (const entry of result.timeline) {
    lines.push(wrapped(`    ${clock(entry.offsetSeconds).padEnd(9)} ${entry.kind.padEnd(8)} `, entry.text));
  }
  lines.push(...rateTable(rateChangesOf(result.report)));
  const facts = `${result.summary} · runbook ${duration(result.runbookSeconds)} virtual, ${result.wallMs} ms wall`;
  lines.push(wrapped(result.outcome === 'passed' ? '  ✔ passed: ' : '  ✖ FAILED: ', facts));
  const expected = result.expected as Record<string, unknown>;
  const actual = result.actual as Record<string, unknown>;
  for (const key of result.mismatches) {
    lines.push(
      wrapped('      ', `expected ${String(key)} = ${String(expected[key])}, got ${String(actual[key])}`),
    );
  }
  for (const mismatch of result.accessMismatches) lines.push(wrapped('      ', mismatch));
  return lines.join('\n');
}
