import { SecretFormatError } from './rotation-errors.js';

/**
 * A database-style secret: the JSON the AWS rotation templates use, with `masterarn` naming the
 * admin secret of the alternating-users strategy. Other fields (host, port, engine) are kept as is.
 */
export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly masterarn?: string;
  readonly [field: string]: unknown;
}

export type RotationStrategy = 'single-user' | 'alternating-users';

/** Reads a version's value; errors name the version and the field, never the value. */
export function parseCredentials(secretString: string | undefined, versionId: string): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    throw new SecretFormatError(`secret version ${versionId} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SecretFormatError(`secret version ${versionId} is not a JSON object`);
  const fields = parsed as Record<string, unknown>;
  for (const field of ['username', 'password'] as const) {
    if (typeof fields[field] !== 'string' || fields[field] === '')
      throw new SecretFormatError(`secret version ${versionId} has no ${field} string`);
  }
  if ('masterarn' in fields && typeof fields.masterarn !== 'string')
    throw new SecretFormatError(`secret version ${versionId} has a masterarn that is not a string`);
  return fields as unknown as Credentials;
}

/** Alternating users when the secret names an admin secret to create and change the second user with. */
export function strategyOf(credentials: Credentials): RotationStrategy {
  return credentials.masterarn ? 'alternating-users' : 'single-user';
}

const cloneSuffix = '_clone';

/**
 * The next credentials: a new password for the same user (single user), or for the other of the
 * two users (alternating users: `app` and `app_clone`, as the AWS templates name them), so the
 * previous credentials keep working while consumers move over.
 */
export function nextCredentials(current: Credentials, password: string): Credentials {
  if (strategyOf(current) === 'single-user') return { ...current, password };
  const username = current.username.endsWith(cloneSuffix)
    ? current.username.slice(0, -cloneSuffix.length)
    : `${current.username}${cloneSuffix}`;
  return { ...current, username, password };
}
