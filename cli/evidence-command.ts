import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { EvidenceRecord } from '../handlers/evidence/evidence-record.js';
import { verifyRecord } from '../handlers/evidence/record-signature.js';
import { parseStoredRecord } from '../handlers/evidence/stored-record.js';
import { recordKeyOf } from '../handlers/evidence/write-evidence.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { evidenceCsv, evidenceIndex, evidenceIndexText } from './evidence-index.js';
import { fileNameOf, indexPage, mermaidFile, runPage } from './evidence-pages.js';
import {
  bucketEvidence,
  bucketRecordKeys,
  daysBetween,
  folderEvidence,
  publicKeyFile,
  type StoredEvidence,
} from './evidence-source.js';

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
    writeFileSync(
      join(folder, `${fileNameOf(record.execution.name)}.json`),
      `${JSON.stringify(record, null, 2)}\n`,
    );
  return folder;
}

/** Where records are read: a folder `gameday --evidence` wrote, or the deployed evidence bucket. */
export interface EvidenceSourceOptions {
  readonly source?: string | undefined;
  readonly publicKey?: string | undefined;
  readonly aws?: boolean;
  /** The stack's EvidenceBucketName and EvidenceSigningKeyArn outputs, with `--aws`. */
  readonly bucket?: string | undefined;
  readonly signingKey?: string | undefined;
  readonly region?: string | undefined;
  /**
   * The clients `--aws` reads with.
   * @default clients of the default credential chain, in `region`
   */
  readonly clients?: BucketClients;
}

/** What reading the evidence bucket calls. */
export interface BucketClients {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly sfn: SFNClient;
}

function bucketOptions(options: EvidenceSourceOptions) {
  if (!options.bucket || !options.signingKey)
    throw new InvalidInputError(
      '--aws needs --bucket <EvidenceBucketName> and --signing-key <EvidenceSigningKeyArn> (the stack outputs)',
    );
  const config = options.region ? { region: options.region } : {};
  const clients = options.clients ?? {
    s3: new S3Client(config),
    kms: new KMSClient(config),
    sfn: new SFNClient(config),
  };
  return { bucket: options.bucket, signingKey: options.signingKey, clients };
}

/** The records of the days given, from the folder or (with `--aws`) the bucket. */
async function storedEvidence(
  options: EvidenceSourceOptions,
  days: readonly string[],
  manifests = false,
): Promise<StoredEvidence[]> {
  if (options.aws && options.source) throw new InvalidInputError('give --source <dir> or --aws, not both');
  if (options.aws) {
    const { bucket, signingKey, clients } = bucketOptions(options);
    const keys = await bucketRecordKeys(clients.s3, bucket, days, manifests);
    return bucketEvidence(clients, bucket, signingKey, keys);
  }
  if (!options.source)
    throw new InvalidInputError('give --source <dir> (a folder `gameday --evidence` wrote) or --aws');
  return folderEvidence(options.source, options.publicKey);
}

/**
 * `runbook evidence verify <file or dir> [--public-key <pem>]`, or `--aws --from --to`: checks
 * every record with the signing key's public key and names what was changed; exit code 1 if
 * any record fails.
 */
export async function verifyEvidence(
  path: string | undefined,
  options: EvidenceSourceOptions & { readonly from?: string; readonly to?: string; readonly json: boolean },
): Promise<number> {
  if (path && options.aws) throw new InvalidInputError('give a file or folder, or --aws, not both');
  const stored = options.aws
    ? await storedEvidence(options, daysBetween(options.from ?? '', options.to ?? options.from ?? ''), true)
    : folderEvidence(path ?? '.', options.publicKey);
  const results = stored.map(({ location, document, publicKey }) => ({
    file: location,
    ...verifyRecord(document, publicKey),
  }));
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
        `  change      ${c.at} ${c.kind} ${c.action} ${c.resource}: ${short(c.before)} → ${short(c.after)}${c.requestIds.length ? ` (request ${c.requestIds.join(', ')})` : ''}`,
    ),
    `  verified    ${short(record.verification)}`,
    `  path        ${record.definition.pathTaken.join(' → ')}`,
    `  definition  sha256 ${record.definition.aslSha256}`,
    `  controls    ${record.controls.map((c) => `${c.standard} ${c.id}`).join(', ')}`,
    `  signature   ${record.signature ? `${record.signature.algorithm} by ${record.signature.keyId}` : 'none'}`,
  ];
  return lines.join('\n');
}

/** An execution's record in the bucket: its key is the day it ended, which Step Functions knows. */
async function bucketRecord(execution: string, options: EvidenceSourceOptions): Promise<StoredEvidence> {
  const { bucket, signingKey, clients } = bucketOptions(options);
  if (!execution.startsWith('arn:'))
    throw new InvalidInputError(
      'with --aws, name the execution by its ARN (the day its record is filed under comes from it)',
    );
  const described = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution }));
  if (!described.stopDate)
    throw new InvalidInputError(`${execution} is still running: its record is written when it ends`);
  const key = recordKeyOf(described.name ?? '', described.stopDate);
  try {
    const [stored] = await bucketEvidence(clients, bucket, signingKey, [key]);
    if (stored) return stored;
  } catch (error) {
    if (!(error instanceof NoSuchKey)) throw error;
  }
  // What the day's manifest counts as missing, and alarms on.
  throw new InvalidInputError(`no record of ${execution} at s3://${bucket}/${key}`);
}

/**
 * `runbook evidence <execution> --source <dir> | --aws [--json]`: one record, found by its
 * execution's name (a folder) or ARN (the bucket), verified before it is shown.
 */
export async function showEvidence(
  execution: string,
  options: EvidenceSourceOptions & { readonly json: boolean },
): Promise<number> {
  const name = execution.split(':').pop() ?? execution;
  const stored = options.aws
    ? await bucketRecord(execution, options)
    : (await storedEvidence(options, [])).find((s) => s.location.endsWith(`/${name}.json`));
  if (!stored) throw new InvalidInputError(`no record of ${name} under ${options.source}`);
  const parsed = parseStoredRecord(stored.document);
  if (!parsed.ok) throw new InvalidInputError(`${stored.location}: ${parsed.problem}`);
  const verification = verifyRecord(stored.document, stored.publicKey);
  if (options.json) console.log(JSON.stringify(parsed.record, null, 2));
  else {
    console.log(recordText(parsed.record));
    console.log(
      verification.valid
        ? '  verified    ✔ signature matches the signing key'
        : `  verified    ✖ ${verification.problems.join('; ')}`,
    );
  }
  return verification.valid ? 0 : 1;
}

/**
 * `runbook evidence export --from <day> --to <day> (--source <dir> | --aws) [--html <dir>] [--csv]
 * [--json]`: the runs that ended in the period, indexed by control, runbook and account. With
 * `--html`, a folder an auditor opens offline: index.html, a page per run (diagram with the path
 * taken, timeline, approvals, changes), each signed record, evidence.csv, the public key and the
 * diagram script. Exit code 1 if any record does not verify.
 */
export async function exportEvidence(
  options: EvidenceSourceOptions & {
    readonly from?: string | undefined;
    readonly to?: string | undefined;
    readonly html?: string | undefined;
    readonly csv: boolean;
    readonly json: boolean;
    readonly now?: () => Date;
  },
): Promise<number> {
  if (!options.from || !options.to)
    throw new InvalidInputError('export needs --from <yyyy-mm-dd> and --to <yyyy-mm-dd>');
  const days = daysBetween(options.from, options.to);
  const stored = await storedEvidence(options, days);
  const index = evidenceIndex(stored, options.from, options.to);
  const clean = index.runs.every((r) => r.problems.length === 0) && index.unreadable.length === 0;
  if (options.html) {
    const out = options.html;
    mkdirSync(join(out, 'runs'), { recursive: true });
    mkdirSync(join(out, 'records'), { recursive: true });
    const files = new Map<string, string>();
    const taken = new Set<string>();
    for (const run of index.runs) {
      let file = fileNameOf(run.record.execution.name);
      // Runs of one name (other accounts, state machines or game days) get a page each.
      for (let n = 2; taken.has(file); n += 1) file = `${fileNameOf(run.record.execution.name)}-${n}`;
      taken.add(file);
      files.set(run.location, file);
      // The record is the document as read (parsing checks it, it does not rebuild it).
      writeFileSync(join(out, 'records', `${file}.json`), `${JSON.stringify(run.record, null, 2)}\n`);
      writeFileSync(join(out, 'runs', `${file}.html`), runPage(run, { record: `../records/${file}.json` }));
    }
    writeFileSync(
      join(out, 'index.html'),
      indexPage(
        index,
        (location) => `runs/${files.get(location)}.html`,
        (options.now ?? (() => new Date()))(),
      ),
    );
    writeFileSync(join(out, 'evidence.csv'), evidenceCsv(index));
    copyFileSync(
      createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'),
      join(out, mermaidFile),
    );
    const keys = new Set(stored.map((s) => s.publicKey));
    if (keys.size === 1) writeFileSync(join(out, 'records', publicKeyFile), [...keys][0] ?? '');
    console.log(evidenceIndexText(index));
    console.log(`\nwritten to ${join(out, 'index.html')} (${index.runs.length} run page(s), evidence.csv)`);
  } else if (options.csv) process.stdout.write(evidenceCsv(index));
  else if (options.json)
    console.log(
      JSON.stringify(
        {
          ...index,
          runs: index.runs.map((r) => ({
            location: r.location,
            execution: r.record.execution,
            problems: r.problems,
          })),
        },
        null,
        2,
      ),
    );
  else console.log(evidenceIndexText(index));
  return clean ? 0 : 1;
}
