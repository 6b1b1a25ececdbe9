import type { EvidenceRecord } from '../handlers/evidence/evidence-record.js';
import { verifyRecord } from '../handlers/evidence/record-signature.js';
import { parseStoredRecord } from '../handlers/evidence/stored-record.js';
import type { StoredEvidence } from './evidence-source.js';

/** One run's record in an export, and what verifying it found (nothing when it verified). */
export interface ExportedRun {
  readonly location: string;
  readonly record: EvidenceRecord;
  readonly problems: readonly string[];
}

/** A document that could not be read as a record: listed, never rendered. */
export interface UnreadableEvidence {
  readonly location: string;
  readonly problems: readonly string[];
}

/**
 * A run as the indexes name it: where its record was read (unique: in the bucket the key is the
 * execution's; in game-day folders each game day is a world of its own, so one execution ARN
 * can appear in several) and the execution's name, what people read.
 */
export interface RunRef {
  readonly location: string;
  readonly name: string;
}

/** The runs one control, runbook or account is evidenced by. */
export interface IndexEntry {
  readonly key: string;
  readonly title: string;
  readonly executions: readonly RunRef[];
}

/** What an auditor asks for over a period: every run, found by control, by runbook and by account. */
export interface EvidenceIndex {
  readonly from: string;
  readonly to: string;
  readonly runs: readonly ExportedRun[];
  readonly unreadable: readonly UnreadableEvidence[];
  readonly byControl: readonly IndexEntry[];
  readonly byRunbook: readonly IndexEntry[];
  readonly byAccount: readonly IndexEntry[];
}

/** The UTC day a run counts on: the day it ended, as its record's key in the bucket. */
const dayOf = (record: EvidenceRecord) =>
  (record.execution.stoppedAt ?? record.execution.startedAt).slice(0, 10);

/** `8.32` before `8.4` is wrong; ids compare by their numbers. */
const byId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function grouped(
  runs: readonly ExportedRun[],
  keysOf: (record: EvidenceRecord) => readonly { readonly key: string; readonly title: string }[],
): IndexEntry[] {
  const entries = new Map<string, { title: string; executions: RunRef[] }>();
  for (const { location, record } of runs)
    for (const { key, title } of keysOf(record)) {
      const entry = entries.get(key) ?? { title, executions: [] };
      entry.executions.push({ location, name: record.execution.name });
      entries.set(key, entry);
    }
  return [...entries]
    .sort(([a], [b]) => byId(a, b))
    .map(([key, { title, executions }]) => ({ key, title, executions }));
}

/**
 * The index of the records of runs that ended from `from` to `to`: each verified with its key and
 * read as the documented schema; a record that fails verification is kept and marked, since an
 * auditor must see it, and a document that is no record is listed apart.
 */
export function evidenceIndex(stored: readonly StoredEvidence[], from: string, to: string): EvidenceIndex {
  const runs: ExportedRun[] = [];
  const unreadable: UnreadableEvidence[] = [];
  for (const { location, document, publicKey } of stored) {
    const verification = verifyRecord(document, publicKey);
    const problems = verification.valid ? [] : verification.problems;
    const parsed = parseStoredRecord(document);
    if (!parsed.ok) {
      unreadable.push({ location, problems: [parsed.problem, ...problems] });
      continue;
    }
    const day = dayOf(parsed.record);
    if (day >= from && day <= to) runs.push({ location, record: parsed.record, problems });
  }
  const endOf = (r: ExportedRun) => r.record.execution.stoppedAt ?? r.record.execution.startedAt;
  runs.sort((a, b) => endOf(a).localeCompare(endOf(b)) || a.location.localeCompare(b.location));
  return {
    from,
    to,
    runs,
    unreadable,
    byControl: grouped(runs, (r) =>
      r.controls.map((c) => ({ key: `${c.standard} ${c.id}`, title: c.title })),
    ),
    byRunbook: grouped(runs, (r) => [{ key: r.runbook, title: r.runbook }]),
    byAccount: grouped(runs, (r) => [
      {
        key: `${r.target.account ?? 'unknown account'} ${r.target.region ?? 'unknown region'}`,
        title: r.target.environment ?? 'unknown environment',
      },
    ]),
  };
}

/**
 * A CSV cell: quoted, and a leading `=`, `+`, `-`, `@` or tab made text, so a spreadsheet opens a
 * record's words as words and never as a formula (OWASP "CSV injection").
 */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

const csvColumns = [
  'execution',
  'runbook',
  'account',
  'region',
  'environment',
  'started',
  'ended',
  'status',
  'outcome',
  'trigger',
  'approvals',
  'changes',
  'controls',
  'verified',
  'problems',
  'record',
] as const;

/** One row per run, the columns an auditor filters on; RFC 4180, CRLF line ends. */
export function evidenceCsv(index: EvidenceIndex): string {
  const rows = index.runs.map(({ location, record: r, problems }) => [
    r.execution.name,
    r.runbook,
    r.target.account ?? '',
    r.target.region ?? '',
    r.target.environment ?? '',
    r.execution.startedAt,
    r.execution.stoppedAt ?? '',
    r.execution.status,
    r.outcome.result,
    `${r.trigger.kind}: ${r.trigger.requestedBy}`,
    r.approvals.map((a) => `${a.group} ${a.answer}${a.by ? ` by ${a.by}` : ''}`).join('; '),
    String(r.changes.length),
    r.controls.map((c) => `${c.standard} ${c.id}`).join('; '),
    problems.length ? 'no' : 'yes',
    problems.join('; '),
    location,
  ]);
  return `${[[...csvColumns], ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** The index as people read it in a terminal: counts per control, runbook and account. */
export function evidenceIndexText(index: EvidenceIndex): string {
  const failed = index.runs.filter((r) => r.problems.length).length;
  const section = (heading: string, entries: readonly IndexEntry[]) => [
    '',
    heading,
    ...entries.map(
      (e) => `  ${e.key.padEnd(32)} ${String(e.executions.length).padStart(4)} run(s)  ${e.title}`,
    ),
  ];
  return [
    `Evidence of runs that ended ${index.from} to ${index.to}: ${index.runs.length} run(s), ${index.runs.length - failed} verified, ${failed} failed verification, ${index.unreadable.length} unreadable`,
    ...index.runs
      .filter((r) => r.problems.length)
      .map((r) => `  ✖ ${r.record.execution.name} (${r.location}): ${r.problems.join('; ')}`),
    ...index.unreadable.map((u) => `  ✖ ${u.location}: ${u.problems.join('; ')}`),
    ...section('By control', index.byControl),
    ...section('By runbook', index.byRunbook),
    ...section('By account', index.byAccount),
  ].join('\n');
}
