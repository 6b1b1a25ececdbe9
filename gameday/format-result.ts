import type { QueueScenarioResult } from './run-queue-scenario.js';
import type { ScenarioResult } from './run-scenario.js';

function clock(seconds: number): string {
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

/** A scenario's timeline and verdict as people read them in a terminal. */
export function formatResult(result: ScenarioResult | QueueScenarioResult): string {
  const lines = [`▶ ${result.scenario} (runbook ${result.runbook})`, `  ${result.description}`];
  for (const entry of result.timeline) {
    lines.push(`    ${clock(entry.offsetSeconds).padEnd(9)} ${entry.kind.padEnd(8)} ${entry.text}`);
  }
  const timing = `runbook ${duration(result.runbookSeconds)} virtual, ${result.wallMs} ms wall`;
  let facts: string;
  if ('queues' in result.finalState) {
    const a = (result as QueueScenarioResult).actual;
    const queues = result.finalState.queues.map((q) => `${q.name} ${q.visible}+${q.inFlight}`).join(', ');
    facts = `${a.runbookOutcome} · ${a.replayed} replayed · ${a.quarantined} quarantined · ${a.leftInDlq} left in the DLQ · ${a.lost} lost · queues (visible+in flight): ${queues} · ${timing}`;
  } else {
    const r = result as ScenarioResult;
    const a = r.actual;
    facts =
      `${a.runbookOutcome} · alias ${r.finalState.alias.alias} on version ${a.aliasVersion} · alarm ${a.alarmState} · ` +
      `${a.changes} change(s) · ${a.escalations} escalation(s) · ${timing}`;
  }
  lines.push(result.outcome === 'passed' ? `  ✔ passed: ${facts}` : `  ✖ FAILED: ${facts}`);
  const expected = result.expected as unknown as Record<string, unknown>;
  const actual = result.actual as unknown as Record<string, unknown>;
  for (const key of result.mismatches) {
    lines.push(`      expected ${key} = ${String(expected[key])}, got ${String(actual[key])}`);
  }
  return lines.join('\n');
}
