import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import type { CredentialRequest } from '../../../../handlers/secret-rotation/credential-adapter.js';
import { type RotationEvent, rotateSecret } from '../../../../handlers/secret-rotation/rotate-secret.js';

const token = '7d2a788e-8977-431c-b0f8-05e71fe3e206';
const initial = { engine: 'postgres', username: 'app', password: 'Initial0Password' };

/** A secret with rotation configured, an empty AWSPENDING version for `token`, and an adapter that records requests. */
function setup(options: { value?: string; adapterOk?: boolean; alternating?: boolean } = {}) {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  account.dynamodb.createTable('idempotency', ['id']);
  account.lambda.createFunction('rotator');
  account.lambda.createFunction('adapter');
  const requests: CredentialRequest[] = [];
  let adapterOk = options.adapterOk ?? true;
  account.lambda.code.deploy('adapter', async (event) => {
    requests.push(event as CredentialRequest);
    return adapterOk ? { ok: true } : { ok: false, reason: 'login refused' };
  });
  const sm = account.secretsManager;
  const master = options.alternating
    ? sm.createSecret({
        Name: 'db-admin',
        SecretString: JSON.stringify({ username: 'admin', password: 'Admin0Pw' }),
      })
    : undefined;
  const created = sm.createSecret({
    Name: 'db',
    SecretString:
      options.value ?? JSON.stringify({ ...initial, ...(master ? { masterarn: master.ARN } : {}) }),
  });
  sm.configureRotation('db', 'rotator');
  sm.rotateSecret({ SecretId: 'db', ClientRequestToken: token });
  const deps = {
    clients: account.clients(),
    credentialAdapter: 'adapter',
    password: { length: 32, excludeCharacters: '/@"\'\\' },
    idempotencyTable: 'idempotency',
    remainingTimeMs: () => 30_000,
  };
  const step = (Step: RotationEvent['Step'], ClientRequestToken = token) =>
    rotateSecret({ Step, SecretId: created.ARN, ClientRequestToken }, deps);
  const value = (stage: string) => {
    const secret = sm.store.get('db');
    return JSON.parse(sm.store.labelled(secret, stage)?.value ?? 'null') as typeof initial | null;
  };
  return {
    account,
    requests,
    step,
    value,
    currentVersion: created.VersionId ?? '',
    failAdapter: (fail: boolean) => {
      adapterOk = !fail;
    },
  };
}

describe('rotateSecret', () => {
  it('createSecret stores a new random password for the same user as AWSPENDING, and a retry reuses it', async () => {
    const { step, value } = setup();
    await expect(step('createSecret')).resolves.toEqual({
      step: 'createSecret',
      versionId: token,
      outcome: 'done',
    });
    const pending = value('AWSPENDING');
    expect(pending).toMatchObject({ engine: 'postgres', username: 'app' });
    expect(pending?.password).toHaveLength(32);
    expect(pending?.password).not.toMatch(/[/@"'\\]/);
    await expect(step('createSecret')).resolves.toMatchObject({ outcome: 'reused-pending' });
    expect(value('AWSPENDING')).toEqual(pending);
    expect(value('AWSCURRENT')).toEqual(initial);
  });

  it('createSecret switches to the other user with alternating users', async () => {
    const { step, value } = setup({ alternating: true });
    await step('createSecret');
    expect(value('AWSPENDING')?.username).toBe('app_clone');
  });

  it('setSecret asks the adapter to set the pending credentials, logging in as the user; a retry after success does not ask again', async () => {
    const { step, requests, currentVersion } = setup();
    await step('createSecret');
    await step('setSecret');
    await step('setSecret');
    expect(requests).toEqual([
      {
        action: 'set-credentials',
        secretId: expect.stringMatching(/:secret:db-/),
        versionId: token,
        loginWith: [
          { secretId: expect.any(String), versionId: token },
          { secretId: expect.any(String), versionId: currentVersion },
        ],
      },
    ]);
  });

  it('setSecret logs in as the admin with alternating users', async () => {
    const { step, requests, account } = setup({ alternating: true });
    await step('createSecret');
    await step('setSecret');
    const admin = account.secretsManager.store.get('db-admin');
    expect(requests[0]).toMatchObject({
      action: 'set-credentials',
      loginWith: [{ secretId: admin.arn, versionId: [...admin.versions.keys()][0] }],
    });
  });

  it('setSecret fails with CredentialAdapterError naming the version, and a retry asks again', async () => {
    const { step, requests, failAdapter } = setup({ adapterOk: false });
    await step('createSecret');
    await expect(step('setSecret')).rejects.toMatchObject({
      name: 'CredentialAdapterError',
      message: `set-credentials for version ${token} did not succeed: login refused`,
    });
    failAdapter(false);
    await step('setSecret');
    expect(requests).toHaveLength(2);
  });

  it('testSecret logs in with the pending version and fails when the target refuses it', async () => {
    const { step, requests, failAdapter } = setup();
    await step('createSecret');
    await step('testSecret');
    expect(requests.at(-1)).toEqual({ action: 'test-login', secretId: expect.any(String), versionId: token });
    failAdapter(true);
    await expect(step('testSecret')).rejects.toMatchObject({ name: 'CredentialAdapterError' });
  });

  it('finishSecret moves AWSCURRENT to the new version (AWSPREVIOUS follows); a retry finds it already current', async () => {
    const { step, value } = setup();
    await step('createSecret');
    const pending = value('AWSPENDING');
    await step('finishSecret');
    expect(value('AWSCURRENT')).toEqual(pending);
    expect(value('AWSPREVIOUS')).toEqual(initial);
    await expect(step('finishSecret')).resolves.toMatchObject({ outcome: 'already-current' });
  });

  it('refuses a token that is no version of the secret, or a version that is not AWSPENDING', async () => {
    const { step, currentVersion, account } = setup();
    await expect(step('setSecret', '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      name: 'RotationStateError',
      message: expect.stringMatching(/has no stage for rotation/),
    });
    await step('createSecret');
    await step('finishSecret');
    // The version that was current is AWSPREVIOUS now: not a rotation's version.
    await expect(step('setSecret', currentVersion)).rejects.toMatchObject({
      name: 'RotationStateError',
      message: expect.stringMatching(/is not AWSPENDING/),
    });
    // The token is AWSCURRENT now: nothing to do for any step.
    await expect(step('createSecret')).resolves.toMatchObject({ outcome: 'already-current' });
    account.secretsManager.cancelRotateSecret({ SecretId: 'db' });
    await expect(step('createSecret')).rejects.toThrow(/is not enabled for rotation/);
  });

  it('refuses a malformed event and a value that is not credentials, without quoting the value', async () => {
    const { step } = setup({ value: 'hunter2-not-json' });
    await expect(
      rotateSecret({ Step: 'dropTables', SecretId: 'db', ClientRequestToken: token }, {} as never),
    ).rejects.toMatchObject({ name: 'InvalidInputError', message: expect.stringMatching(/Step/) });
    const error = await step('createSecret').catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'SecretFormatError' });
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('restores only a version that was current', async () => {
    const { step, currentVersion, requests } = setup();
    await step('createSecret');
    await expect(step('restoreSecret', token)).rejects.toMatchObject({ name: 'RotationStateError' });
    await step('restoreSecret', currentVersion);
    expect(requests.at(-1)).toMatchObject({ action: 'set-credentials', versionId: currentVersion });
  });
});
