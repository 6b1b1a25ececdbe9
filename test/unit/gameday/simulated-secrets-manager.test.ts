import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { rotationAttempts } from '../../../gameday/account/secrets/rotation-jobs.js';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';

function account() {
  const sim = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  const created = sim.secretsManager.createSecret({
    Name: 'db',
    SecretString: 'v1',
    ClientRequestToken: 'version-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  });
  return { sim, sm: sim.clients().secretsManager, arn: created.ARN };
}

/** The permission a RotationSchedule gives Secrets Manager on its rotation function (this account's secrets only). */
function allowRotation(sim: SimulatedAccount, functionName: string) {
  const arn = sim.lambda.fn(functionName).arn;
  sim.iam.setResourcePolicy(arn, {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'secretsmanager.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceAccount': sim.identity.accountId } },
      },
    ],
  });
}

const stages = async (sm: ReturnType<SimulatedAccount['clients']>['secretsManager']) =>
  (await sm.send(new DescribeSecretCommand({ SecretId: 'db' }))).VersionIdsToStages;

describe('simulated Secrets Manager', () => {
  it('names secrets with a six-character ARN suffix and finds them by name or ARN', async () => {
    const { sm, arn } = account();
    expect(arn).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-[A-Za-z0-9]{6}$/);
    const read = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(read).toMatchObject({ Name: 'db', SecretString: 'v1', VersionStages: ['AWSCURRENT'] });
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('moves AWSPREVIOUS to the version AWSCURRENT leaves, and drops versions without labels from VersionIdsToStages', async () => {
    const { sm } = account();
    await sm.send(
      new PutSecretValueCommand({
        SecretId: 'db',
        SecretString: 'v2',
        ClientRequestToken: 'version-2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      }),
    );
    await sm.send(
      new PutSecretValueCommand({
        SecretId: 'db',
        SecretString: 'v3',
        ClientRequestToken: 'version-3-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      }),
    );
    expect(await stages(sm)).toEqual({
      'version-2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': ['AWSPREVIOUS'],
      'version-3-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': ['AWSCURRENT'],
    });
    // A deprecated version is still readable by id.
    const old = await sm.send(
      new GetSecretValueCommand({ SecretId: 'db', VersionId: 'version-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }),
    );
    expect(old.SecretString).toBe('v1');
  });

  it('treats PutSecretValue with the same token as the same request, and refuses another value for it', async () => {
    const { sm } = account();
    const put = (SecretString: string) =>
      sm.send(
        new PutSecretValueCommand({
          SecretId: 'db',
          SecretString,
          ClientRequestToken: 'version-2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
          VersionStages: ['AWSPENDING'],
        }),
      );
    await put('v2');
    await put('v2');
    await expect(put('other')).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('moves a label only when RemoveFromVersionId names the version that has it', async () => {
    const { sm } = account();
    await sm.send(
      new PutSecretValueCommand({
        SecretId: 'db',
        SecretString: 'v2',
        ClientRequestToken: 'version-2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        VersionStages: ['AWSPENDING'],
      }),
    );
    const move = (RemoveFromVersionId?: string) =>
      sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: 'db',
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: 'version-2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
          ...(RemoveFromVersionId ? { RemoveFromVersionId } : {}),
        }),
      );
    await expect(move()).rejects.toBeInstanceOf(InvalidParameterException);
    await move('version-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(await stages(sm)).toEqual({
      'version-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': ['AWSPREVIOUS'],
      'version-2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': ['AWSCURRENT', 'AWSPENDING'],
    });
    await expect(
      sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: 'db',
          VersionStage: 'AWSCURRENT',
          RemoveFromVersionId: 'version-2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('starts a rotation with an empty AWSPENDING version and refuses another while it is unfinished', async () => {
    const { sim, sm } = account();
    sim.lambda.createFunction('rotator');
    sim.lambda.code.deploy('rotator', async () => {
      throw new Error('the database is down');
    });
    sim.secretsManager.configureRotation('db', 'rotator');
    const { VersionId } = await sm.send(
      new RotateSecretCommand({
        SecretId: 'db',
        ClientRequestToken: 'rotation-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      }),
    );
    expect((await stages(sm))?.[VersionId ?? '']).toEqual(['AWSPENDING']);
    // The pending version has no value until createSecret stores one (aws-sdk-js-v3 issue 7701).
    await expect(
      sm.send(new GetSecretValueCommand({ SecretId: 'db', VersionStage: 'AWSPENDING' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(sm.send(new RotateSecretCommand({ SecretId: 'db' }))).rejects.toThrow(
      new InvalidRequestException({
        message: "A previous rotation isn't complete. That rotation will be reattempted.",
        $metadata: {},
      }),
    );
  });

  it('cannot invoke a rotation function whose policy does not let Secrets Manager in: the rotation fails untouched', async () => {
    const { sim, sm } = account();
    const steps: string[] = [];
    sim.lambda.createFunction('rotator');
    sim.lambda.code.deploy('rotator', async (event) => {
      steps.push((event as { Step: string }).Step);
      return null;
    });
    sim.secretsManager.configureRotation('db', 'rotator');
    const failures: string[] = [];
    sim.bus.addRule({ source: ['aws.secretsmanager'] }, (e) => {
      const detail = e.detail as { eventName: string; errorMessage?: string };
      if (detail.eventName === 'RotationFailed') failures.push(detail.errorMessage ?? '');
    });
    await sm.send(
      new RotateSecretCommand({
        SecretId: 'db',
        ClientRequestToken: 'rotation-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      }),
    );
    for (let attempt = 0; attempt < rotationAttempts; attempt += 1) {
      await sim.runServices();
      sim.advance(60);
    }
    expect(steps).toEqual([]);
    expect(failures).toEqual([
      expect.stringContaining('Secrets Manager cannot invoke the specified Lambda function'),
    ]);
  });

  it('invokes the rotation function step by step, retries a failed rotation and reports it to EventBridge', async () => {
    const { sim, sm } = account();
    const steps: string[] = [];
    sim.lambda.createFunction('rotator');
    sim.lambda.code.deploy('rotator', async (event) => {
      const { Step } = event as { Step: string };
      steps.push(Step);
      if (Step === 'setSecret') throw new Error('connection timed out');
      return null;
    });
    allowRotation(sim, 'rotator');
    sim.secretsManager.configureRotation('db', 'rotator');
    const events: string[] = [];
    sim.bus.addRule({ source: ['aws.secretsmanager'] }, (e) => events.push(String(e.detail.eventName)));
    await sm.send(new RotateSecretCommand({ SecretId: 'db' }));
    for (let minute = 0; minute < rotationAttempts + 1; minute += 1) {
      await sim.runServices();
      sim.advance(60);
    }
    expect(steps).toEqual(Array(rotationAttempts).fill(['createSecret', 'setSecret']).flat());
    expect(events).toEqual(['RotationStarted', 'RotationFailed']);
    // The unfinished rotation's AWSPENDING blocks a new one until someone removes the label.
    await expect(sm.send(new RotateSecretCommand({ SecretId: 'db' }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });

  it('generates passwords with every included character class and without excluded characters', async () => {
    const { sm } = account();
    for (let i = 0; i < 20; i += 1) {
      const { RandomPassword = '' } = await sm.send(
        new GetRandomPasswordCommand({
          PasswordLength: 12,
          ExcludeCharacters: '/@"\'\\',
          ExcludeUppercase: true,
        }),
      );
      expect(RandomPassword).toHaveLength(12);
      expect(RandomPassword).toMatch(/[a-z]/);
      expect(RandomPassword).toMatch(/[0-9]/);
      expect(RandomPassword).toMatch(/[^a-z0-9]/);
      expect(RandomPassword).not.toMatch(/[A-Z/@"'\\ ]/);
    }
    await expect(sm.send(new GetRandomPasswordCommand({ PasswordLength: 0 }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});
