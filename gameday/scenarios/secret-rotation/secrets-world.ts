import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type {
  CredentialRequest,
  CredentialResponse,
} from '../../../handlers/secret-rotation/credential-adapter.js';
import type { AccountIdentity } from '../../account/account-identity.js';
import { secretArnFor } from '../../account/secrets/secret-store.js';
import type { SimulatedAccount } from '../../account/simulated-account.js';
import type { DeploymentSettings } from '../../iam/platform-deployment.js';
import { CredentialStore } from './credential-store.js';

/** A consumer of the secret, and what it does to the password before logging in (its bug, if any). */
export interface ConsumerSpec {
  readonly name: string;
  readonly mangles?: (password: string) => string;
}

/** The account a rotation game day runs on. */
export interface SecretsWorld {
  readonly secretName: string;
  readonly db: CredentialStore;
  readonly consumers: readonly string[];
  /** The version that was AWSCURRENT before the fault. */
  readonly initialVersion: string;
  readonly adapter: string;
}

const adapterName = 'orders-db-credential-adapter';
/** Consumers re-read the secret after this long on the account's clock (Powertools' default is 5 s of real time). */
const consumerCacheMs = 300_000;

interface DbSecret {
  readonly username: string;
  readonly password: string;
}

async function readSecret(sm: SecretsManagerClient, secretId: string, versionId?: string) {
  const read = await sm.send(
    new GetSecretValueCommand({ SecretId: secretId, ...(versionId ? { VersionId: versionId } : {}) }),
  );
  return { versionId: read.VersionId ?? '', value: JSON.parse(read.SecretString ?? '{}') as DbSecret };
}

/** The credential adapter of the orders database: what a team writes with its database driver. */
function deployAdapter(account: SimulatedAccount, db: CredentialStore): void {
  const sm = account.clients().secretsManager;
  account.lambda.createFunction(adapterName);
  account.lambda.code.deploy(adapterName, async (event): Promise<CredentialResponse> => {
    const request = event as CredentialRequest;
    const target = (await readSecret(sm, request.secretId, request.versionId)).value;
    if (request.action === 'test-login')
      return db.login(target.username, target.password)
        ? { ok: true }
        : { ok: false, reason: 'login refused' };
    for (const login of request.loginWith) {
      // An empty AWSPENDING version has no value to log in with.
      const creds = await readSecret(sm, login.secretId, login.versionId).catch(() => undefined);
      if (creds && db.login(creds.value.username, creds.value.password)) {
        db.setPassword(target.username, target.password);
        return { ok: true };
      }
    }
    return { ok: false, reason: 'none of the given credentials log in' };
  });
}

/**
 * A consumer function behind alias `live`: requests read the secret through Powertools' cached
 * SecretsProvider, refreshed every five minutes of the account's time; its health check reads it
 * fresh with GetSecretValue and reports the version it logged in with.
 */
function deployConsumer(
  account: SimulatedAccount,
  spec: ConsumerSpec,
  secretName: string,
  db: CredentialStore,
) {
  account.lambda.createFunction(spec.name);
  account.lambda.publishVersion(spec.name, { errorRate: 0, durationMs: 50 });
  account.lambda.createAlias({ FunctionName: spec.name, Name: 'live', FunctionVersion: '1' });
  const sm = account.clients().secretsManager;
  const provider = new SecretsProvider({ awsSdkV3Client: sm });
  const mangle = spec.mangles ?? ((p: string) => p);
  let fetchedAt = Number.NEGATIVE_INFINITY;
  account.lambda.code.deploy(spec.name, async (event) => {
    const check = (event as { runbookHealthCheck?: { secretId: string } }).runbookHealthCheck;
    if (check) {
      const { versionId, value } = await readSecret(sm, check.secretId);
      try {
        const ok = db.login(value.username, mangle(value.password));
        return { healthy: ok, versionId, reason: ok ? 'logged in' : 'login refused' };
      } catch {
        return { healthy: false, versionId, reason: 'database unreachable' };
      }
    }
    const now = account.clock.now().getTime();
    const refresh = now - fetchedAt >= consumerCacheMs;
    const value = (await provider.get(secretName, {
      transform: 'json',
      forceFetch: refresh,
      maxAge: 24 * 3600,
    })) as unknown as DbSecret;
    if (refresh) fetchedAt = now;
    if (!db.login(value.username, mangle(value.password))) throw new Error('login refused');
    return { ok: true };
  });
}

const secretName = 'orders-db';
const adminSecretName = 'orders-db-admin';

/** The options a rotation game day's world is built with. */
export interface SecretsWorldOptions {
  readonly strategy: 'single-user' | 'alternating-users';
  readonly consumers: readonly ConsumerSpec[];
}

/**
 * How the platform is configured for a rotation game day, as a team would: the secret (complete
 * ARN), its strategy and admin secret, its consumers' health-check aliases, and the adapter.
 */
export function rotationSettings(
  identity: AccountIdentity,
  options: SecretsWorldOptions,
): DeploymentSettings {
  return {
    'runbooks:rotatedSecrets': [
      {
        secretArn: secretArnFor(identity, secretName),
        strategy: options.strategy,
        ...(options.strategy === 'alternating-users'
          ? { masterSecretArn: secretArnFor(identity, adminSecretName) }
          : {}),
        consumers: options.consumers.map((c) => `${c.name}:live`),
        schedule: 'rate(30 days)',
      },
    ],
    'runbooks:credentialAdapter': `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${adapterName}`,
  };
}

/** The platform's rotation function, which its deployment into the account installed. */
function platformRotationFunction(account: SimulatedAccount): string {
  const fn = account.lambda.all().find((f) => f.name.endsWith('-rotate-secret'));
  if (!fn) throw new Error('the platform has no rotation function: configure runbooks:rotatedSecrets');
  return fn.arn;
}

/**
 * The orders database, its secret with rotation configured (single user, or alternating users with
 * an admin secret), the platform's rotation function, the adapter, and the secret's consumers
 * named in its `runbook-consumers` tag.
 */
export function secretsWorld(account: SimulatedAccount, options: SecretsWorldOptions): SecretsWorld {
  const initial = { username: 'orders_app', password: 'Initial0rdersPassw0rd2026' };
  const admin = { username: 'orders_admin', password: 'Admin0rdersPassw0rd2026' };
  const db = new CredentialStore({ [initial.username]: initial.password, [admin.username]: admin.password });
  const store = account.secretsManager;
  const master =
    options.strategy === 'alternating-users'
      ? store.createSecret({
          Name: adminSecretName,
          SecretString: JSON.stringify({ engine: 'postgres', ...admin }),
        })
      : undefined;
  const created = store.createSecret({
    Name: secretName,
    SecretString: JSON.stringify({
      engine: 'postgres',
      host: 'orders-db.internal',
      ...initial,
      ...(master ? { masterarn: master.ARN } : {}),
    }),
    Tags: [{ Key: 'runbook-consumers', Value: options.consumers.map((c) => `${c.name}:live`).join(' ') }],
  });
  deployAdapter(account, db);
  store.configureRotation(secretName, platformRotationFunction(account));
  for (const consumer of options.consumers) deployConsumer(account, consumer, secretName, db);
  return {
    secretName,
    db,
    consumers: options.consumers.map((c) => c.name),
    initialVersion: created.VersionId ?? '',
    adapter: adapterName,
  };
}
