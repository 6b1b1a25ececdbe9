import { createHash } from 'node:crypto';
import type { GetRandomPasswordCommandInput } from '@aws-sdk/client-secrets-manager';
import { invalidParameter } from './secrets-errors.js';

/** The character classes GetRandomPassword draws from; punctuation as the API reference lists it. */
const classes = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  numbers: '0123456789',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  space: ' ',
} as const;

/**
 * GetRandomPassword as documented (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html):
 * length 1–4096 (default 32), classes left out by the Exclude* flags, `ExcludeCharacters` removed,
 * space only with `IncludeSpace`, and at least one of every included class unless
 * `RequireEachIncludedType` is false. Deterministic from `seed`, so game days replay exactly.
 */
export function randomPassword(input: GetRandomPasswordCommandInput, seed: string): string {
  const length = input.PasswordLength ?? 32;
  if (!Number.isInteger(length) || length < 1 || length > 4096)
    throw invalidParameter('PasswordLength must be between 1 and 4096.');
  const excluded = new Set(input.ExcludeCharacters ?? '');
  const included = [
    input.ExcludeLowercase ? '' : classes.lowercase,
    input.ExcludeUppercase ? '' : classes.uppercase,
    input.ExcludeNumbers ? '' : classes.numbers,
    input.ExcludePunctuation ? '' : classes.punctuation,
    input.IncludeSpace ? classes.space : '',
  ]
    .map((chars) => [...chars].filter((c) => !excluded.has(c)).join(''))
    .filter((chars) => chars.length > 0);
  if (included.length === 0) throw invalidParameter('The request excludes every character.');
  const requireEach = input.RequireEachIncludedType ?? true;
  if (requireEach && length < included.length)
    throw invalidParameter('PasswordLength is too short to include every required character type.');
  let counter = 0;
  const next = (n: number) => {
    counter += 1;
    return createHash('sha256').update(`${seed}|${counter}`).digest().readUInt32BE(0) % n;
  };
  const all = included.join('');
  const chars = Array.from({ length }, () => all[next(all.length)] ?? '');
  if (requireEach) {
    // One character of each class at distinct positions, so no class can crowd out another.
    const positions = [...Array(length).keys()];
    for (const set of included) {
      const [position = 0] = positions.splice(next(positions.length), 1);
      chars[position] = set[next(set.length)] ?? '';
    }
  }
  return chars.join('');
}
