import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { signingPublicKey } from '../handlers/evidence/record-signature.js';
import { InvalidInputError } from '../handlers/lib/errors.js';

/** The file name of the public key beside the records it verifies. */
export const publicKeyFile = 'public-key.pem';

/** A signed document as stored (a file, or an object in the bucket), and the key that must verify it. */
export interface StoredEvidence {
  /** Where it was read: a file's path, or `s3://<bucket>/<key>`. */
  readonly location: string;
  readonly document: unknown;
  /** PEM. */
  readonly publicKey: string;
}

const json = (text: string, location: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return { unreadable: `${location} is not JSON` };
  }
};

/** Every `.json` file under a path (the path itself when it is a file). */
function jsonFiles(path: string): string[] {
  if (!existsSync(path)) throw new InvalidInputError(`${path} does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const inner = join(path, name);
      return statSync(inner).isDirectory() ? jsonFiles(inner) : name.endsWith('.json') ? [inner] : [];
    });
}

/** The public key for a file: the one given, or the nearest `public-key.pem` above it. */
function publicKeyFor(file: string, given: string | undefined): string {
  if (given) return readFileSync(given, 'utf8');
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const candidate = join(dir, publicKeyFile);
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    if (dirname(dir) === dir)
      throw new InvalidInputError(`no ${publicKeyFile} above ${file}: give the key with --public-key <pem>`);
  }
}

/** The signed documents in a folder `gameday --evidence` wrote (or one file), each with its key. */
export function folderEvidence(path: string, publicKey?: string): StoredEvidence[] {
  return jsonFiles(path).map((file) => ({
    location: file,
    document: json(readFileSync(file, 'utf8'), file),
    publicKey: publicKeyFor(file, publicKey),
  }));
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
/** A year and a month of margin: the default retention is 400 days. */
const longestRangeDays = 400;

/** Every day from `from` to `to` (UTC, `yyyy-mm-dd`, both included), refusing what is not a range. */
export function daysBetween(from: string, to: string): string[] {
  for (const [flag, day] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (!dayPattern.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
      throw new InvalidInputError(`${flag} must be a date as yyyy-mm-dd, not ${JSON.stringify(day)}`);
  }
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (end < start) throw new InvalidInputError(`--to ${to} is before --from ${from}`);
  const count = (end - start) / 86_400_000 + 1;
  if (count > longestRangeDays)
    throw new InvalidInputError(`${count} days asked: export at most ${longestRangeDays} days at a time`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

/**
 * The keys of the records the evidence writer filed under the days given
 * (`records/<yyyy>/<mm>/<dd>/`), and with `manifests` the days' signed manifests too.
 */
export async function bucketRecordKeys(
  s3: S3Client,
  bucket: string,
  days: readonly string[],
  manifests = false,
): Promise<string[]> {
  const keys: string[] = [];
  const prefixes = days.flatMap((day) => [
    `records/${day.replaceAll('-', '/')}/`,
    ...(manifests ? [`manifests/${day}.json`] : []),
  ]);
  for (const Prefix of prefixes)
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix }))
      for (const object of page.Contents ?? []) if (object.Key?.endsWith('.json')) keys.push(object.Key);
  return keys;
}

/**
 * Objects of the evidence bucket, 8 read at a time, each to be verified with the platform's
 * signing key: the key named here, never one a record names, since whoever forged a record
 * would name their own.
 */
export async function bucketEvidence(
  clients: { readonly s3: S3Client; readonly kms: KMSClient },
  bucket: string,
  signingKey: string,
  keys: readonly string[],
): Promise<StoredEvidence[]> {
  const publicKey = await signingPublicKey(clients.kms, signingKey);
  const limit = pLimit(8);
  return Promise.all(
    keys.map((Key) =>
      limit(async () => {
        const got = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const location = `s3://${bucket}/${Key}`;
        return { location, document: json((await got.Body?.transformToString()) ?? '', location), publicKey };
      }),
    ),
  );
}
