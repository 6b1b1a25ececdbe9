import { createHash } from 'node:crypto';
import { clock } from '../gameday/format-result.js';
import {
  escapeHtml,
  pageErrorsList,
  pageErrorsStyle,
  renderDiagramsScript,
} from '../gameday/report/page-parts.js';
import { rateChart } from '../gameday/report/rate-over-time.js';
import type { EvidenceRecord } from '../handlers/evidence/evidence-record.js';
import type { EvidenceIndex, ExportedRun, IndexEntry, RunRef } from './evidence-index.js';

/** The script every page of an export loads from the export's own folder: nothing is fetched. */
export const mermaidFile = 'mermaid.min.js';

/**
 * A file name for a run's page and record copy: the execution name where it is plain, else made
 * plain and told apart by a hash, so a hostile name never writes outside the export.
 */
export function fileNameOf(executionName: string): string {
  const plain = executionName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  if (plain === executionName && plain.length > 0) return plain;
  return `${plain}-${createHash('sha256').update(executionName).digest('hex').slice(0, 8)}`;
}

const json = (value: unknown) => escapeHtml(JSON.stringify(value, null, 2) ?? 'null');
const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? 'null';
  return escapeHtml(text.length > 160 ? `${text.slice(0, 159)}…` : text);
};

const style = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222;max-width:1300px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}.bad{color:#d62728}.good{color:#188038}.banner{border:2px solid #d62728;padding:.5rem;color:#d62728}
.diagram{overflow:auto;border:1px solid #eee;padding:.5rem}code,pre{font-size:12px}td.time{white-space:nowrap;color:#555}
${pageErrorsStyle}`;

const page = (title: string, scriptPath: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${style}</style></head>
<body>
${pageErrorsList}
${body}
<script src="${scriptPath}"></script>
<script>${renderDiagramsScript()}</script>
</body></html>
`;

const verdict = (problems: readonly string[]) =>
  problems.length
    ? `<span class="bad">✖ does not verify: ${escapeHtml(problems.join('; '))}</span>`
    : '<span class="good">✔ signature verified</span>';

/** What happened when, from the start of the run (T+mm:ss), from the record's own times. */
function timeline(record: EvidenceRecord): string {
  const start = Date.parse(record.execution.startedAt);
  const events: { at: string; text: string }[] = [
    {
      at: record.execution.startedAt,
      text: `started (${record.trigger.kind}: ${record.trigger.requestedBy})`,
    },
    ...record.approvals.flatMap((a) => [
      { at: a.askedAt, text: `approval asked of ${a.group} (${a.state})` },
      ...(a.at ? [{ at: a.at, text: `approval ${a.answer}${a.by ? ` by ${a.by}` : ''}` }] : []),
    ]),
    ...record.changes.map((c) => ({ at: c.at, text: `change: ${c.action} on ${c.resource}` })),
    ...(record.execution.stoppedAt
      ? [
          {
            at: record.execution.stoppedAt,
            text: `ended ${record.execution.status}: ${record.outcome.result}`,
          },
        ]
      : []),
  ];
  const rows = events
    .map((e) => ({ ...e, offset: Math.round((Date.parse(e.at) - start) / 1000) }))
    .sort((a, b) => a.offset - b.offset)
    .map(
      (e) =>
        `<tr><td class="time">${Number.isNaN(e.offset) ? '?' : clock(e.offset)}</td><td class="time">${escapeHtml(e.at)}</td><td>${escapeHtml(e.text)}</td></tr>`,
    );
  return `<table><thead><tr><th>since start</th><th>at</th><th>what</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const approvalsTable = (record: EvidenceRecord) =>
  record.approvals.length
    ? `<table><thead><tr><th>state</th><th>group asked</th><th>asked</th><th>answer</th><th>by</th><th>at</th><th>four eyes</th></tr></thead><tbody>${record.approvals
        .map(
          (a) =>
            `<tr><td>${escapeHtml(a.state)}</td><td>${escapeHtml(a.group)}</td><td class="time">${escapeHtml(a.askedAt)}</td><td>${escapeHtml(a.answer)}${a.reason ? ` (${escapeHtml(a.reason)})` : ''}</td><td>${escapeHtml(a.by ?? '–')}</td><td class="time">${escapeHtml(a.at ?? '–')}</td><td>${
              a.fourEyes
                ? `asked by ${escapeHtml(a.fourEyes.requester)}, approved by ${escapeHtml(a.fourEyes.approver)}: ${a.fourEyes.distinct ? 'two people' : '<span class="bad">the same person</span>'}`
                : '–'
            }</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No approval was asked.</p>';

const changesTable = (record: EvidenceRecord) =>
  record.changes.length
    ? `<table><thead><tr><th>at</th><th>kind</th><th>action</th><th>resource</th><th>where</th><th>before</th><th>after</th><th>request ids</th></tr></thead><tbody>${record.changes
        .map(
          (c) =>
            `<tr><td class="time">${escapeHtml(c.at)}</td><td>${escapeHtml(c.kind)}</td><td>${escapeHtml(c.action)}</td><td>${escapeHtml(c.resource)}</td><td>${escapeHtml([c.account, c.region].filter(Boolean).join(' ') || '–')}</td><td><code>${short(c.before)}</code></td><td><code>${short(c.after)}</code></td><td>${escapeHtml(c.requestIds.join(', ') || '–')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No change was made.</p>';

/** One run's page: its facts, diagram with the path taken, timeline, approvals, changes and controls. */
export function runPage(run: ExportedRun, files: { readonly record: string }): string {
  const r = run.record;
  const facts: [string, string][] = [
    ['runbook', r.runbook],
    ['execution', r.execution.arn],
    [
      'trigger',
      `${r.trigger.kind}: ${r.trigger.requestedBy}${r.trigger.alarm ? ` (alarm ${r.trigger.alarm.name})` : ''}`,
    ],
    ['target', r.target.key],
    [
      'account, region',
      `${r.target.account ?? '?'} ${r.target.region ?? '?'} (${r.target.environment ?? '?'})`,
    ],
    ['started, ended', `${r.execution.startedAt} → ${r.execution.stoppedAt ?? 'running'}`],
    [
      'outcome',
      `${r.outcome.result} (${r.execution.status})${r.outcome.reason ? `: ${r.outcome.reason}` : ''}`,
    ],
    ['definition', `ASL SHA-256 ${r.definition.aslSha256}`],
    ['signature', r.signature ? `${r.signature.algorithm} by ${r.signature.keyId}` : 'none'],
  ];
  return page(
    `${r.execution.name}: evidence`,
    `../${mermaidFile}`,
    `<p><a href="../index.html">← all runs</a> · <a href="${escapeHtml(files.record)}">the signed record (JSON)</a></p>
<h1>${escapeHtml(r.execution.name)}</h1>
${run.problems.length ? `<p class="banner">This record does not verify with the signing key: ${escapeHtml(run.problems.join('; '))}. What follows is what it says, not what happened.</p>` : `<p>${verdict([])}</p>`}
<table>${facts.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>Path taken</h2>
<p>States the run entered have a green border, a state that failed a red one, the last state a black one.</p>
<div class="diagram"><pre class="mermaid">${escapeHtml(r.definition.diagram)}</pre></div>
<p>${escapeHtml(r.definition.pathTaken.join(' → '))}</p>
${r.pace?.length ? `<h2>Replay rate</h2>${rateChart(r.pace, r.execution.stoppedAt ?? undefined)}` : ''}
<h2>Timeline</h2>${timeline(r)}
<h2>Approvals</h2>${approvalsTable(r)}
<h2>Changes</h2>${changesTable(r)}
<h2>What the run found, decided and verified</h2>
<details><summary>evidence</summary><pre>${json(r.evidence)}</pre></details>
<details><summary>decision</summary><pre>${json(r.decision)}</pre></details>
<details><summary>verification</summary><pre>${json(r.verification)}</pre></details>
<h2>Controls evidenced</h2>
<table><thead><tr><th>standard</th><th>id</th><th>title</th></tr></thead><tbody>${r.controls
      .map(
        (c) =>
          `<tr><td>${escapeHtml(c.standard)}</td><td>${escapeHtml(c.id)}</td><td>${escapeHtml(c.title)}</td></tr>`,
      )
      .join('')}</tbody></table>`,
  );
}

/** The export's front page: counts, runs that failed verification, and the three indexes. */
export function indexPage(
  index: EvidenceIndex,
  pageOf: (location: string) => string,
  generatedAt: Date,
): string {
  const failed = index.runs.filter((r) => r.problems.length);
  const link = (run: RunRef) => `<a href="${escapeHtml(pageOf(run.location))}">${escapeHtml(run.name)}</a>`;
  const entries = (heading: string, label: string, list: readonly IndexEntry[]) =>
    `<h2>${heading}</h2><table><thead><tr><th>${label}</th><th></th><th>runs</th></tr></thead><tbody>${list
      .map(
        (e) =>
          `<tr><td>${escapeHtml(e.key)}</td><td>${escapeHtml(e.title)}</td><td>${e.executions.length}: ${e.executions.map(link).join(', ')}</td></tr>`,
      )
      .join('')}</tbody></table>`;
  return page(
    `Evidence ${index.from} to ${index.to}`,
    mermaidFile,
    `<h1>Evidence of runbook runs, ${escapeHtml(index.from)} to ${escapeHtml(index.to)}</h1>
<p>${index.runs.length} run(s) ended in the period: ${index.runs.length - failed.length} verified with the signing key, ${failed.length} did not; ${index.unreadable.length} document(s) could not be read as records. Exported ${escapeHtml(generatedAt.toISOString())}. <a href="evidence.csv">evidence.csv</a> has one row per run.</p>
${
  failed.length || index.unreadable.length
    ? `<div class="banner"><p>Not verified:</p><ul>${[
        ...failed.map(
          (r) =>
            `<li>${link({ location: r.location, name: r.record.execution.name })}: ${escapeHtml(r.problems.join('; '))}</li>`,
        ),
        ...index.unreadable.map(
          (u) => `<li>${escapeHtml(u.location)}: ${escapeHtml(u.problems.join('; '))}</li>`,
        ),
      ].join('')}</ul></div>`
    : ''
}
<h2>Runs</h2>
<table><thead><tr><th>ended</th><th>execution</th><th>runbook</th><th>account</th><th>outcome</th><th>approvals</th><th>changes</th><th>signature</th></tr></thead><tbody>${index.runs
      .map(
        ({ location, record: r, problems }) =>
          `<tr><td class="time">${escapeHtml(r.execution.stoppedAt ?? '–')}</td><td>${link({ location, name: r.execution.name })}<br><small>${escapeHtml(location)}</small></td><td>${escapeHtml(r.runbook)}</td><td>${escapeHtml(`${r.target.account ?? '?'} ${r.target.region ?? '?'}`)}</td><td>${escapeHtml(r.outcome.result)}</td><td>${r.approvals.length}</td><td>${r.changes.length}</td><td>${verdict(problems)}</td></tr>`,
      )
      .join('')}</tbody></table>
${entries('By control', 'control', index.byControl)}
${entries('By runbook', 'runbook', index.byRunbook)}
${entries('By account', 'account and region', index.byAccount)}`,
  );
}
