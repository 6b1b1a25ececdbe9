import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import type { AuditRecord } from '../../../../handlers/lib/audit-trail.js';
import { ConfigurationChangedError } from '../../../../handlers/lib/errors.js';
import type { StepDeps } from '../../../../handlers/lib/step-deps.js';
import {
  type RollBackRotationInput,
  rollBackRotation,
} from '../../../../handlers/secret-rotation/roll-back-rotation.js';

const v0 = '00000000-0000-4000-8000-000000000000';
const v1 = '11111111-1111-4111-8111-111111111111';
const rotation = '22222222-2222-4222-8222-222222222222';

/**
 * `db` with versions v0 then v1 (AWSCURRENT v1, AWSPREVIOUS v0), and a rotation function that
 * answers `restoreSecret` as `restore` says (an error is a FunctionError, as Lambda reports it).
 */
function secretWithHistory(restore: 'ok' | 'fails' | 'fails-silently' | 'missing' = 'ok') {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  const sm = account.secretsManager;
  const restores: unknown[] = [];
  if (restore !== 'missing') {
    account.lambda.createFunction('rotator');
    account.lambda.code.deploy('rotator', async (event) => {
      restores.push(event);
      if (restore === 'fails')
        throw Object.assign(new Error('login refused for version v1'), { name: 'RestoreFailed' });
      if (restore === 'fails-silently') throw Object.assign(new Error(''), { name: 'RestoreFailed' });
      return null;
    });
  }
  sm.createSecret({ Name: 'db', SecretString: '{"password":"zero"}', ClientRequestToken: v0 });
  sm.putSecretValue({ SecretId: 'db', SecretString: '{"password":"one"}', ClientRequestToken: v1 });
  const audit: AuditRecord[] = [];
  const deps = {
    clients: account.clients(),
    now: () => account.clock.now(),
    audit: { record: (entry: AuditRecord) => audit.push(entry) },
  } as unknown as StepDeps<'secretsManager' | 'lambda'>;
  const input: RollBackRotationInput = {
    executionId: 'exec-1',
    runbook: 'secret-rotation',
    secretId: 'db',
    rotationFunction: 'rotator',
    versionId: rotation,
    previousVersion: v1,
    previousOfPrevious: v0,
  };
  const stages = () =>
    Object.fromEntries(
      [...sm.store.get('db').versions.values()]
        .filter((v) => v.stages.size > 0)
        .map((v) => [v.id, [...v.stages].sort()]),
    );
  return { account, sm, restores, audit, deps, input, stages };
}

/** The rotation finished: its version is AWSCURRENT, v1 AWSPREVIOUS. */
function finished(setup: ReturnType<typeof secretWithHistory>) {
  setup.sm.putSecretValue({
    SecretId: 'db',
    SecretString: '{"password":"two"}',
    ClientRequestToken: rotation,
  });
}

/** The rotation stopped half way: its version holds AWSPENDING only. */
function unfinished(setup: ReturnType<typeof secretWithHistory>) {
  setup.sm.configureRotation('db', 'rotator');
  setup.sm.rotateSecret({ SecretId: 'db', ClientRequestToken: rotation });
}

describe('rollBackRotation', () => {
  it('after a finished rotation: restores the old credentials, then puts AWSCURRENT and AWSPREVIOUS back', async () => {
    const setup = secretWithHistory();
    finished(setup);
    expect(setup.stages()).toEqual({ [v1]: ['AWSPREVIOUS'], [rotation]: ['AWSCURRENT'] });
    const result = await rollBackRotation(setup.input, setup.deps);
    expect(setup.stages()).toEqual({ [v0]: ['AWSPREVIOUS'], [v1]: ['AWSCURRENT'] });
    expect(result.actions).toEqual([
      'set the previous credentials in the target system again',
      'move AWSCURRENT back to the previous version',
      'put AWSPREVIOUS back',
    ]);
    expect(result).toMatchObject({ restored: true, restoreProblem: null });
    expect(setup.restores).toEqual([{ Step: 'restoreSecret', SecretId: 'db', ClientRequestToken: v1 }]);
    expect(setup.audit.map((a) => [a.action, a.before, a.after])).toEqual([
      [
        'set the previous credentials in the target system again',
        { credentialsOf: rotation },
        { credentialsOf: v1 },
      ],
      ['move AWSCURRENT back to the previous version', { AWSCURRENT: rotation }, { AWSCURRENT: v1 }],
      ['put AWSPREVIOUS back', { AWSPREVIOUS: rotation }, { AWSPREVIOUS: v0 }],
    ]);
    expect(setup.audit.every((a) => a.executionId === 'exec-1' && a.target === 'db')).toBe(true);
    expect(result.versions.find((v) => v.versionId === v1)?.stages).toContain('AWSCURRENT');
  });

  it('leaves AWSPREVIOUS alone when there was none before the rotation', async () => {
    const setup = secretWithHistory();
    finished(setup);
    const result = await rollBackRotation({ ...setup.input, previousOfPrevious: null }, setup.deps);
    expect(setup.stages()).toEqual({ [v1]: ['AWSCURRENT'], [rotation]: ['AWSPREVIOUS'] });
    expect(result.actions).not.toContain('put AWSPREVIOUS back');
  });

  it('after an unfinished rotation: cancels it, restores, and removes the leftover AWSPENDING', async () => {
    const setup = secretWithHistory();
    unfinished(setup);
    const result = await rollBackRotation(setup.input, setup.deps);
    expect(result.actions).toEqual([
      'cancel the unfinished rotation (turns automatic rotation off until the next RotateSecret)',
      'set the previous credentials in the target system again',
      'remove the leftover AWSPENDING label',
    ]);
    expect(setup.stages()).toEqual({ [v0]: ['AWSPREVIOUS'], [v1]: ['AWSCURRENT'] });
    expect(setup.sm.store.get('db').rotation.enabled).toBe(false);
    expect(setup.audit.map((a) => [a.step, a.before, a.after])).toEqual([
      ['roll-back-rotation', { rotating: rotation }, { rotating: null }],
      ['roll-back-rotation', { credentialsOf: rotation }, { credentialsOf: v1 }],
      ['roll-back-rotation', { AWSPENDING: rotation }, { AWSPENDING: null }],
    ]);
  });

  it('is safe to repeat: a second run finds the labels back and moves nothing', async () => {
    const setup = secretWithHistory();
    finished(setup);
    await rollBackRotation(setup.input, setup.deps);
    const again = await rollBackRotation(setup.input, setup.deps);
    expect(setup.stages()).toEqual({ [v0]: ['AWSPREVIOUS'], [v1]: ['AWSCURRENT'] });
    expect(again.actions).not.toContain('move AWSCURRENT back to the previous version');
    expect(again.actions).not.toContain('put AWSPREVIOUS back');
  });

  it('after a finished rotation, leaves AWSCURRENT where it works when the restore fails, and says why', async () => {
    const setup = secretWithHistory('fails');
    finished(setup);
    const before = setup.stages();
    // The database has the new password only: moving AWSCURRENT back would hand out refused credentials.
    await expect(rollBackRotation(setup.input, setup.deps)).rejects.toMatchObject({
      name: 'RotationRestoreFailed',
      message: 'the previous credentials could not be restored: RestoreFailed: login refused for version v1',
    });
    expect(setup.stages()).toEqual(before);
    expect(setup.audit).toEqual([]);
  });

  it('reports a rotation function it could not invoke', async () => {
    const setup = secretWithHistory('missing');
    finished(setup);
    const before = setup.stages();
    await expect(rollBackRotation(setup.input, setup.deps)).rejects.toThrow(
      'could not invoke the rotation function: ResourceNotFoundException',
    );
    expect(setup.stages()).toEqual(before);
  });

  it('refuses to roll back over someone else’s change, changing nothing', async () => {
    const setup = secretWithHistory();
    finished(setup);
    setup.sm.putSecretValue({
      SecretId: 'db',
      SecretString: '{"password":"by hand"}',
      ClientRequestToken: v0.replace('0000-4', '0000-5'),
    });
    const before = setup.stages();
    await expect(rollBackRotation(setup.input, setup.deps)).rejects.toThrow(ConfigurationChangedError);
    await expect(rollBackRotation(setup.input, setup.deps)).rejects.toThrow(
      `neither the rotation's ${rotation} nor ${v1}: someone else changed the secret`,
    );
    expect(setup.stages()).toEqual(before);
    expect(setup.restores).toEqual([]);
    expect(setup.audit).toEqual([]);
  });

  it('reports a restore that failed without a message by its error type alone', async () => {
    const setup = secretWithHistory('fails-silently');
    finished(setup);
    await expect(rollBackRotation(setup.input, setup.deps)).rejects.toThrow(
      /could not be restored: RestoreFailed:$/,
    );
  });

  it('removes an AWSPENDING left on a version other than AWSCURRENT, and only then', async () => {
    const setup = secretWithHistory();
    finished(setup);
    setup.sm.updateSecretVersionStage({ SecretId: 'db', VersionStage: 'AWSPENDING', MoveToVersionId: v0 });
    const result = await rollBackRotation(setup.input, setup.deps);
    expect(result.actions.at(-1)).toBe('remove the leftover AWSPENDING label');
    expect(setup.stages()).toEqual({ [v0]: ['AWSPREVIOUS'], [v1]: ['AWSCURRENT'] });
  });

  it('refuses input that is not a rollback, naming the step', async () => {
    const setup = secretWithHistory();
    await expect(rollBackRotation({ ...setup.input, versionId: '' }, setup.deps)).rejects.toThrow(
      /roll-back-rotation/,
    );
  });
});
