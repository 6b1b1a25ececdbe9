import { definitionOf } from '../../runbooks/definitions.js';
import { operatorDiagram } from '../../state-machines/diagram-document.js';
import type { PathTaken } from '../../state-machines/render-mermaid.js';
import type { DriverResult } from '../driver/drive-game-day.js';
import { clock } from '../format-result.js';
import type { ScenarioResult } from '../run-scenario.js';
import {
  escapeHtml,
  mermaidSource,
  pageErrorsList,
  pageErrorsStyle,
  renderDiagramsScript,
} from './page-parts.js';
import { pathTaken } from './path-taken.js';
import { rateChangesOf, rateChart, rateTable } from './rate-over-time.js';

/** Time since the fault, in the CLI's format (`T+02:00`); `–` when it never happened. */
const since = (seconds: number | null) => (seconds === null ? '–' : clock(seconds));

const json = (value: unknown) => escapeHtml(JSON.stringify(value, null, 2));

/** One row of the summary table: a local game day, or a closed-loop run in an account. */
interface Row {
  readonly id: string;
  readonly runbook: string;
  readonly expected: string;
  readonly actual: string;
  readonly passed: boolean;
  readonly ttd: number | null;
  readonly ttm: number | null;
}

function localRow(r: ScenarioResult): Row {
  return {
    id: r.scenario,
    runbook: r.runbook,
    expected: r.expectedSummary,
    actual: r.summary,
    passed: r.outcome === 'passed',
    ttd: r.timeToDetectSeconds,
    ttm: r.timeToMitigateSeconds,
  };
}

function driverRow(r: DriverResult): Row {
  return {
    id: r.gameDay,
    runbook: r.runbook,
    expected: r.expectedOutcome ?? '–',
    actual: `${r.outcome}: ${r.reason}`,
    passed: r.outcome === 'passed',
    ttd: r.timeToDetectSeconds,
    ttm: r.timeToMitigateSeconds,
  };
}

/** The runbook's flowchart, with the path a game day took when it is known. */
function diagram(runbook: string, path: PathTaken | undefined): string {
  return `<pre class="mermaid">${escapeHtml(operatorDiagram(definitionOf(runbook), path))}</pre>`;
}

const timelineTable = (entries: readonly { offsetSeconds: number; kind: string; text: string }[]) =>
  `<table class="timeline">${entries
    .map(
      (e) =>
        `<tr class="${e.kind}"><td>${clock(e.offsetSeconds)}</td><td>${e.kind}</td><td>${escapeHtml(e.text)}</td></tr>`,
    )
    .join('')}</table>`;

const list = (items: readonly string[]) =>
  items.length ? `<ul>${items.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>` : '<p>None.</p>';

/** A game day's heading, what a folded page shows: verdict, id, runbook, times to detect and mitigate. */
const heading = (id: string, runbook: string, passed: boolean, ttd: number | null, ttm: number | null) =>
  `<summary><h2>${passed ? '✔' : '✖'} ${escapeHtml(id)} <small>${escapeHtml(runbook)} · detected ${since(ttd)} · mitigated ${since(ttm)}</small></h2></summary>`;

/** An adaptive replay's rate over time: a chart, and why it changed. */
function rateSection(report: unknown): string {
  const changes = rateChangesOf(report);
  if (!changes.length) return '';
  const end = (report as { reportedAt?: string }).reportedAt;
  return `<h3>Replay rate</h3>${rateChart(changes, end)}<pre class="rate-log">${escapeHtml(rateTable(changes).slice(1).join('\n'))}</pre>`;
}

/** A game day's signed evidence records, where `--evidence` wrote them. */
export type EvidenceLinks = (scenario: string) => readonly { readonly name: string; readonly href: string }[];

const evidenceList = (links: ReturnType<EvidenceLinks>) =>
  links.length
    ? `<p class="evidence">Evidence: ${links.map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.name)}</a>`).join(', ')}</p>`
    : '';

function localSection(r: ScenarioResult, evidence: EvidenceLinks | undefined): string {
  const changes = r.timeline.filter((e) => e.kind === 'change').map((c) => c.text);
  return `<details open>
${heading(r.scenario, r.runbook, r.outcome === 'passed', r.timeToDetectSeconds, r.timeToMitigateSeconds)}
<section id="${escapeHtml(r.scenario)}">
<p>${escapeHtml(r.description)}</p>
<p class="verdict ${r.outcome}">${escapeHtml(r.summary)}</p>
<p class="expected">Expected: ${escapeHtml(r.expectedSummary)}</p>
${evidenceList(evidence?.(r.scenario) ?? [])}
<div class="diagram">${diagram(r.runbook, pathTaken(r.timeline))}</div>
${rateSection(r.report)}
<h3>Timeline</h3>${timelineTable(r.timeline)}
<h3>Changes</h3>${list(changes)}
<details><summary>Report</summary><pre>${json(r.report)}</pre></details>
</section></details>`;
}

/** A closed-loop run: what the driver saw, the path from the execution's history, its report. */
function driverSection(r: DriverResult): string {
  const path = r.path
    ? {
        visited: new Set(r.path.visited),
        failed: new Set(r.path.failed),
        ...(r.path.endedAt ? { endedAt: r.path.endedAt } : {}),
      }
    : undefined;
  // The driver's lines read "<what>: <text>" (fault, alarm, runbook, approval, clean-up).
  const entries = r.timeline.map((e) => {
    const [kind = 'driver', ...rest] = e.text.split(': ');
    return { offsetSeconds: e.offsetSeconds, kind, text: rest.join(': ') };
  });
  const changes = [
    ...(r.fault ? [`fault injected: ${r.fault}`] : []),
    ...r.cleanup.map((c) => `clean-up: ${c}`),
  ];
  return `<details open>
${heading(r.gameDay, r.runbook, r.outcome === 'passed', r.timeToDetectSeconds, r.timeToMitigateSeconds)}
<section id="${escapeHtml(r.gameDay)}">
<p class="verdict ${r.outcome === 'passed' ? 'passed' : 'failed'}">${escapeHtml(`${r.outcome}: ${r.reason}`)}</p>
<ul><li>Execution: ${escapeHtml(r.executionName ?? '–')} (${escapeHtml(r.executionStatus ?? '–')})</li>
<li>Time to detect: ${since(r.timeToDetectSeconds)}; time to mitigate: ${since(r.timeToMitigateSeconds)}</li>
<li>Fault gone after clean-up: ${r.faultGone === null ? 'nothing was injected' : r.faultGone ? 'yes' : 'NO'}</li></ul>
<div class="diagram">${diagram(r.runbook, path)}</div>
<h3>Timeline</h3>${timelineTable(entries)}
<h3>Changes</h3>${list(changes)}
<details><summary>Report</summary><pre>${json(r.report)}</pre></details>
</section></details>`;
}

/**
 * The game-day report: one self-contained HTML file (Mermaid inlined, nothing fetched) with a
 * summary table and, per game day, the runbook's diagram with the path taken, the timeline, the
 * changes and the report. Rendering problems and script errors are written into the page
 * (`#page-errors`), so a headless browser can check the page as people would see it.
 */
export function htmlReport(
  results: { readonly local?: readonly ScenarioResult[]; readonly driven?: readonly DriverResult[] },
  generatedAt: Date,
  evidence?: EvidenceLinks,
): string {
  const local = results.local ?? [];
  const driven = results.driven ?? [];
  const rows = [...local.map(localRow), ...driven.map(driverRow)];
  const passed = rows.filter((r) => r.passed).length;
  const summary = rows
    .map(
      (r) =>
        `<tr class="${r.passed ? 'passed' : 'failed'}"><td><a href="#${escapeHtml(r.id)}">${escapeHtml(r.id)}</a></td><td>${escapeHtml(r.runbook)}</td><td class="expected">${escapeHtml(r.expected)}</td><td>${escapeHtml(r.actual)}</td><td>${r.passed ? '✔' : '✖'}</td><td>${since(r.ttd)}</td><td>${since(r.ttm)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Game-day report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222;max-width:1300px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
tr.failed td{background:#fce8e6}tr.passed td:nth-child(5){color:#188038}.verdict.passed{color:#188038}.verdict.failed{color:#d62728}
h2 small{color:#666;font-weight:normal}
summary h2{display:inline;font-size:1.15rem}#game-days>details>summary{cursor:pointer;padding:.3rem 0;border-top:2px solid #333;margin-top:1rem}.expected{color:#555}
#game-days.rendering{visibility:hidden;height:0;overflow:hidden}
.diagram{overflow:auto;border:1px solid #eee;padding:.5rem}.timeline td:first-child{white-space:nowrap;color:#555}
tr.error td,tr.fault td{color:#d62728}tr.change td{color:#1a73e8}td.expected{max-width:22rem}
${pageErrorsStyle}
</style></head>
<body data-diagrams="${rows.length}">
<h1>Game-day report</h1>
<p>${rows.length} game day(s): ${passed} passed, ${rows.length - passed} failed. Generated ${escapeHtml(generatedAt.toISOString())}.
Times are measured from the fault (T+mm:ss): to detect (the alarm goes to ALARM) and to mitigate (back to OK).
Each game day opens from its heading or its link in the table.
In the diagrams, states the run entered and the arrows it followed are green, a state that failed has a red border, and the last state a black one; steps that change the target are orange.</p>
${pageErrorsList}
<table><thead><tr><th>game day</th><th>runbook</th><th>expected</th><th>actual</th><th>passed</th><th>to detect</th><th>to mitigate</th></tr></thead><tbody>${summary}</tbody></table>
<div id="game-days" class="rendering">
${local.map((r) => localSection(r, evidence)).join('\n')}
${driven.map(driverSection).join('\n')}
</div>
<script>${mermaidSource()}</script>
<script>
// Diagrams are laid out while every game day is open (a closed one has no size to measure),
// then the page folds to the summary; a link opens its game day.
const openTarget = () => {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const folded = target && target.closest('details');
  if (folded) { folded.open = true; target.scrollIntoView(); }
};
window.addEventListener('hashchange', openTarget);
${renderDiagramsScript(`for (const d of document.querySelectorAll('#game-days > details')) d.open = false;
    document.getElementById('game-days').classList.remove('rendering');
    openTarget();`)}
</script>
</body></html>
`;
}
