import { createHash } from 'node:crypto';
import type { AccountIdentity } from '../account-identity.js';
import { invalidParameter, secretNotFound, versionExists } from './secrets-errors.js';

export const current = 'AWSCURRENT';
export const previous = 'AWSPREVIOUS';
export const pending = 'AWSPENDING';

export interface SecretVersion {
  readonly id: string;
  /** Undefined for the empty AWSPENDING version a rotation starts with, until createSecret fills it. */
  value: string | undefined;
  readonly createdAt: Date;
  readonly stages: Set<string>;
}

export interface RotationSettings {
  enabled: boolean;
  lambdaArn?: string;
  rules?: { AutomaticallyAfterDays?: number; ScheduleExpression?: string; Duration?: string };
  lastRotatedAt?: Date;
}

/**
 * The ARN a secret of this name gets in the simulated account. Secrets Manager appends six random
 * characters to the name; here they derive from the name, so game days can configure the
 * platform with a secret's complete ARN before creating it.
 */
export function secretArnFor(identity: AccountIdentity, name: string): string {
  const suffix = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
  return `arn:aws:secretsmanager:${identity.region}:${identity.accountId}:secret:${name}-${suffix}`;
}

export interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: Date;
  lastChangedAt: Date;
  readonly tags: Record<string, string>;
  readonly versions: Map<string, SecretVersion>;
  readonly rotation: RotationSettings;
}

/**
 * Secrets, their versions and staging labels, with the rules Secrets Manager keeps
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/whats-in-a-secret.html): a label is
 * on at most one version of a secret; moving AWSCURRENT puts AWSPREVIOUS on the version it left; a
 * version without labels is deprecated (no longer listed in `VersionIdsToStages`, still readable by id).
 */
export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();
  /** Every value any version ever held: what a leak check searches for. */
  readonly valuesEverHeld = new Set<string>();

  constructor(private readonly identity: AccountIdentity) {}

  create(
    name: string,
    value: string,
    versionId: string,
    tags: Record<string, string>,
    at: Date,
  ): StoredSecret {
    if (this.secrets.has(name))
      throw versionExists(`The operation failed because the secret ${name} already exists.`);
    const secret: StoredSecret = {
      name,
      arn: secretArnFor(this.identity, name),
      createdAt: at,
      lastChangedAt: at,
      tags: { ...tags },
      versions: new Map(),
      rotation: { enabled: false },
    };
    this.secrets.set(name, secret);
    this.addVersion(secret, versionId, value, [current], at);
    return secret;
  }

  /** A secret by name or ARN (full, or without the random suffix, as Secrets Manager accepts). */
  get(secretId: string): StoredSecret {
    const byArn = [...this.secrets.values()].find((s) => s.arn === secretId);
    const name = secretId.replace(/^arn:aws[a-z-]*:secretsmanager:[^:]+:\d+:secret:/, '');
    const secret = byArn ?? this.secrets.get(name);
    if (!secret) throw secretNotFound("Secrets Manager can't find the specified secret.");
    return secret;
  }

  all(): StoredSecret[] {
    return [...this.secrets.values()];
  }

  version(secret: StoredSecret, id: string): SecretVersion {
    const found = secret.versions.get(id);
    if (!found)
      throw secretNotFound(`Secrets Manager can't find the specified secret value for VersionId: ${id}`);
    return found;
  }

  /** The version a label is on, if any. */
  labelled(secret: StoredSecret, stage: string): SecretVersion | undefined {
    return [...secret.versions.values()].find((v) => v.stages.has(stage));
  }

  /**
   * Adds a version (PutSecretValue): the same id with the same value again changes nothing, with
   * another value it is refused; an empty version (a rotation's) takes the value. Its labels move
   * to it from wherever they were.
   */
  addVersion(
    secret: StoredSecret,
    id: string,
    value: string | undefined,
    stages: readonly string[],
    at: Date,
  ): SecretVersion {
    const existing = secret.versions.get(id);
    if (existing) {
      if (existing.value === undefined && value !== undefined) {
        existing.value = value;
        this.valuesEverHeld.add(value);
        secret.lastChangedAt = at;
      } else if (existing.value !== value)
        throw versionExists(`A version with ID ${id} already exists with a different secret value.`);
      for (const stage of stages) this.moveLabel(secret, stage, existing);
      return existing;
    }
    const version: SecretVersion = { id, value, createdAt: at, stages: new Set() };
    secret.versions.set(id, version);
    if (value !== undefined) this.valuesEverHeld.add(value);
    for (const stage of stages) this.moveLabel(secret, stage, version);
    secret.lastChangedAt = at;
    return version;
  }

  /** Puts `stage` on `to`, taking it off the version that had it; AWSCURRENT leaves AWSPREVIOUS behind. */
  moveLabel(secret: StoredSecret, stage: string, to: SecretVersion): void {
    const from = this.labelled(secret, stage);
    if (from === to) return;
    from?.stages.delete(stage);
    to.stages.add(stage);
    if (stage === current && from) this.moveLabel(secret, previous, from);
  }

  removeLabel(stage: string, from: SecretVersion): void {
    if (!from.stages.has(stage))
      throw invalidParameter(`The staging label ${stage} is not attached to version ${from.id}.`);
    if (stage === current)
      throw invalidParameter(
        'You can only move the staging label AWSCURRENT to another version, not remove it.',
      );
    from.stages.delete(stage);
  }

  /** Labelled versions by id, as `VersionIdsToStages` lists them. */
  versionIdsToStages(secret: StoredSecret): Record<string, string[]> {
    return Object.fromEntries(
      [...secret.versions.values()].filter((v) => v.stages.size > 0).map((v) => [v.id, [...v.stages].sort()]),
    );
  }
}
