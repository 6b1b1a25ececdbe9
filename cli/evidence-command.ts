import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EvidenceRecord } from '../handlers/evidence/evidence-record.js';
import { verifyRecord } from '../handlers/evidence/record-signature.js';
import { InvalidInputError } from '../handlers/lib/errors.js';

/** The file name of the public key beside the records it verifies. */
export const publicKeyFile = 'public-key.pem';

/** Writes a game day's records and the public key that verifies them into `<dir>/<scenario>/`. */
export function writeEvidence(
  dir: string,
  scenario: string,
  evidence: { readonly records: readonly EvidenceRecord[]; readonly publicKey: string },
): string {
  const folder = join(dir, scenario);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, publicKeyFile), evidence.publicKey);
  for (const record of evidence.records)
    writeFileSync(join(folder, `${record.execution.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  return folder;
}

/** Every record file under a path (the path itself when it is a file). */
function recordFiles(path: string): string[] {
  if (!existsSync(path)) throw new InvalidInputError(`${path} does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const inner = join(path, name);
      return statSync(inner).isDirectory() ? recordFiles(inner) : name.endsWith('.json') ? [inner] : [];
    });
}

/** The public key for a record: the one given, or the nearest `public-key.pem` above the file. */
function publicKeyFor(file: string, given: string | undefined): string {
  if (given) return readFileSync(given, 'utf8');
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const candidate = join(dir, publicKeyFile);
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    if (dirname(dir) === dir)
      throw new InvalidInputError(`no ${publicKeyFile} above ${file}: give the key with --public-key <pem>`);
  }
}

/**
 * `runbook evidence verify <file or dir> [--public-key <pem>]`: checks every record offline with
 * the signing key's public key and names what was changed; exit code 1 if any record fails.
 */
export function verifyEvidence(
  path: string,
  options: { readonly publicKey?: string; readonly json: boolean },
): number {
  const results = recordFiles(path).map((file) => {
    const record: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return { file, ...verifyRecord(record, publicKeyFor(file, options.publicKey)) };
  });
  if (options.json) console.log(JSON.stringify(results, null, 2));
  else {
    for (const r of results) console.log(r.valid ? `✔ ${r.file}` : `✖ ${r.file}: ${r.problems.join('; ')}`);
    const failed = results.filter((r) => !r.valid).length;
    console.log(`${results.length} record(s): ${results.length - failed} verified, ${failed} failed`);
  }
  return results.every((r) => r.valid) ? 0 : 1;
}

const short = (value: unknown) => {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};

/** A record as people read it. */
export function recordText(record: EvidenceRecord): string {
  const lines = [
    `${record.execution.name} (${record.runbook}): ${record.outcome.result}, ${record.execution.status}`,
    `  execution   ${record.execution.arn}`,
    `  ran         ${record.execution.startedAt} → ${record.execution.stoppedAt ?? 'running'}`,
    `  trigger     ${record.trigger.kind} by ${record.trigger.requestedBy}${record.trigger.alarm ? ` (${record.trigger.alarm.name})` : ''}`,
    `  target      ${record.target.key} in ${record.target.account ?? '?'} ${record.target.region ?? '?'} (${record.target.environment ?? '?'})`,
    `  decision    ${short(record.decision)}`,
    ...record.approvals.map(
      (a) =>
        `  approval    ${a.group}: ${a.answer}${a.by ? ` by ${a.by}` : ''}${a.at ? ` at ${a.at}` : ''}${a.reason ? ` (${a.reason})` : ''}${a.fourEyes ? ` (asked by ${a.fourEyes.requester}; ${a.fourEyes.distinct ? 'two people' : 'the same person'})` : ''}`,
    ),
    ...record.changes.map(
      (c) =>
        `  change      ${c.at} ${c.kind} ${c.action} ${c.resource}: ${short(c.before)} → ${short(c.after)}`,
    ),
    `  verified    ${short(record.verification)}`,
    `  path        ${record.definition.pathTaken.join(' → ')}`,
    `  definition  sha256 ${record.definition.aslSha256}`,
    `  controls    ${record.controls.map((c) => `${c.standard} ${c.id}`).join(', ')}`,
    `  signature   ${record.signature ? `${record.signature.algorithm} by ${record.signature.keyId}` : 'none'}`,
  ];
  return lines.join('\n');
}

/** `runbook evidence <execution> --source <dir> [--json]`: one record, found by its execution's name. */
export function showEvidence(
  execution: string,
  options: { readonly source: string | undefined; readonly json: boolean },
): number {
  if (!options.source)
    throw new InvalidInputError('evidence needs --source <dir> (a folder `gameday --evidence` wrote)');
  const name = execution.split(':').pop() ?? execution;
  const file = recordFiles(options.source).find((f) => f.endsWith(`/${name}.json`));
  if (!file) throw new InvalidInputError(`no record of ${name} under ${options.source}`);
  const record = JSON.parse(readFileSync(file, 'utf8')) as EvidenceRecord;
  console.log(options.json ? JSON.stringify(record, null, 2) : recordText(record));
  return 0;
}
