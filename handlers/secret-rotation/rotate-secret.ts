import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { type AwsClients, lazyClients } from '../lib/aws-clients.js';
import { defineFunction, idempotencyPermission } from '../lib/define-step.js';
import { idempotentStep } from '../lib/idempotent-step.js';
import { requiredEnv, withPowertools } from '../lib/lambda-entry.js';
import { logger } from '../lib/observability.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import { askAdapter, type CredentialRequest } from './credential-adapter.js';
import { nextCredentials, parseCredentials, strategyOf } from './credentials.js';
import { RotationStateError } from './rotation-errors.js';

export const rotationSteps = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/**
 * The event Secrets Manager invokes a rotation function with, once per step
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html);
 * `restoreSecret` is the runbook's own: it makes an earlier version's credentials valid again in
 * the target system, with the same adapter call as `setSecret`.
 */
const rotationEventSchema = z.object({
  Step: z.enum([...rotationSteps, 'restoreSecret']),
  SecretId: nonEmptyString(),
  ClientRequestToken: nonEmptyString(),
  RotationToken: z.optional(z.string()),
});

export type RotationEvent = z.input<typeof rotationEventSchema>;

export interface RotationDeps {
  readonly clients: Pick<AwsClients, 'secretsManager' | 'lambda' | 'dynamodb'>;
  /** The function that sets and tests credentials in the target system. */
  readonly credentialAdapter: string;
  readonly password: { readonly length: number; readonly excludeCharacters: string };
  readonly idempotencyTable: string;
  readonly remainingTimeMs: () => number;
}

/** What a step did, by version id: Secrets Manager ignores it; tests and the runbook read it. */
export interface RotationStepResult {
  readonly step: RotationEvent['Step'];
  readonly versionId: string;
  readonly outcome: 'done' | 'already-current' | 'reused-pending';
}

/**
 * The rotation function: one step of the four-step contract per invocation, for single-user and
 * alternating-users secrets. Every step is safe to run again (Secrets Manager retries whole
 * rotations): createSecret reuses its AWSPENDING value, setSecret and restoreSecret are
 * remembered per version (Powertools idempotency), testSecret only reads, finishSecret moves a
 * label that may already be there. No value is logged or returned.
 */
export async function rotateSecret(rawEvent: unknown, deps: RotationDeps): Promise<RotationStepResult> {
  const event = parseInput(rotationEventSchema, rawEvent, 'rotate-secret');
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  const sm = deps.clients.secretsManager;
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  const stages = described.VersionIdsToStages?.[token];
  if (step === 'restoreSecret') return restoreSecret(secretId, token, stages, deps);
  if (!described.RotationEnabled)
    throw new RotationStateError(`secret ${secretId} is not enabled for rotation`);
  if (!stages)
    throw new RotationStateError(`secret version ${token} has no stage for rotation of secret ${secretId}`);
  if (stages.includes('AWSCURRENT')) {
    logger.info('version is already AWSCURRENT; nothing to do', { step, secretId, versionId: token });
    return { step, versionId: token, outcome: 'already-current' };
  }
  if (!stages.includes('AWSPENDING'))
    throw new RotationStateError(
      `secret version ${token} is not AWSPENDING for rotation of secret ${secretId}`,
    );
  logger.info('rotation step', { step, secretId, versionId: token });
  switch (step) {
    case 'createSecret':
      return createSecret(secretId, token, deps);
    case 'setSecret': {
      const currentVersion = await versionIdOf(sm, secretId, 'AWSCURRENT');
      const credentials = parseCredentials(await secretValueOf(sm, secretId, { VersionId: token }), token);
      // Single user: the user changes its own password, logging in with whichever of its values the
      // target system still holds; alternating users: the admin changes the other user.
      const loginWith =
        strategyOf(credentials) === 'alternating-users'
          ? [
              {
                secretId: credentials.masterarn ?? '',
                versionId: await versionIdOf(sm, credentials.masterarn ?? '', 'AWSCURRENT'),
              },
            ]
          : [token, currentVersion, await versionIdOf(sm, secretId, 'AWSPREVIOUS').catch(() => undefined)]
              .filter((versionId): versionId is string => versionId !== undefined)
              .map((versionId) => ({ secretId, versionId }));
      await setOnce(deps, `${secretId}|${token}|set`, {
        action: 'set-credentials',
        secretId,
        versionId: token,
        loginWith,
      });
      return { step, versionId: token, outcome: 'done' };
    }
    case 'testSecret':
      await askAdapter(deps.clients.lambda, deps.credentialAdapter, {
        action: 'test-login',
        secretId,
        versionId: token,
      });
      return { step, versionId: token, outcome: 'done' };
    case 'finishSecret': {
      const currentVersion = await versionIdOf(sm, secretId, 'AWSCURRENT');
      // Secrets Manager moves AWSPREVIOUS to the version AWSCURRENT leaves.
      await sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token,
          RemoveFromVersionId: currentVersion,
        }),
      );
      logger.info('AWSCURRENT moved', { secretId, from: currentVersion, to: token });
      return { step, versionId: token, outcome: 'done' };
    }
  }
}

async function createSecret(
  secretId: string,
  token: string,
  deps: RotationDeps,
): Promise<RotationStepResult> {
  const sm = deps.clients.secretsManager;
  const currentVersion = await versionIdOf(sm, secretId, 'AWSCURRENT');
  const current = parseCredentials(
    await secretValueOf(sm, secretId, { VersionStage: 'AWSCURRENT' }),
    currentVersion,
  );
  try {
    parseCredentials(
      await secretValueOf(sm, secretId, { VersionId: token, VersionStage: 'AWSPENDING' }),
      token,
    );
    return { step: 'createSecret', versionId: token, outcome: 'reused-pending' };
  } catch (error) {
    // The empty version Secrets Manager started the rotation with has no value yet.
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { RandomPassword: password } = await sm.send(
    new GetRandomPasswordCommand({
      PasswordLength: deps.password.length,
      ExcludeCharacters: deps.password.excludeCharacters,
    }),
  );
  if (!password) throw new RotationStateError('GetRandomPassword returned no password');
  // The token makes PutSecretValue idempotent: a retry with the same value changes nothing.
  await sm.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify(nextCredentials(current, password)),
      VersionStages: ['AWSPENDING'],
    }),
  );
  logger.info('new AWSPENDING value stored', { secretId, versionId: token, strategy: strategyOf(current) });
  return { step: 'createSecret', versionId: token, outcome: 'done' };
}

/**
 * Makes a version that was current (AWSCURRENT or AWSPREVIOUS) valid again in the target system:
 * the runbook's rollback of a single-user rotation, whose old password the target forgot.
 */
async function restoreSecret(
  secretId: string,
  versionId: string,
  stages: readonly string[] | undefined,
  deps: RotationDeps,
): Promise<RotationStepResult> {
  if (!stages?.some((s) => s === 'AWSCURRENT' || s === 'AWSPREVIOUS'))
    throw new RotationStateError(
      `secret version ${versionId} is neither AWSCURRENT nor AWSPREVIOUS: not restored`,
    );
  const sm = deps.clients.secretsManager;
  const others = await Promise.all(
    (['AWSPENDING', 'AWSCURRENT'] as const).map((stage) =>
      versionIdOf(sm, secretId, stage).catch(() => undefined),
    ),
  );
  const loginWith = [
    ...new Set(others.filter((v): v is string => v !== undefined && v !== versionId)),
    versionId,
  ];
  const credentials = parseCredentials(
    await secretValueOf(sm, secretId, { VersionId: versionId }),
    versionId,
  );
  const admin = credentials.masterarn;
  await setOnce(deps, `${secretId}|${versionId}|restore|${loginWith.join(',')}`, {
    action: 'set-credentials',
    secretId,
    versionId,
    loginWith: admin
      ? [{ secretId: admin, versionId: await versionIdOf(sm, admin, 'AWSCURRENT') }]
      : loginWith.map((v) => ({ secretId, versionId: v })),
  });
  logger.info('credentials of an earlier version restored in the target system', { secretId, versionId });
  return { step: 'restoreSecret', versionId, outcome: 'done' };
}

/**
 * One adapter call that changes the target system per key: a retried invocation after it
 * succeeded does not change the target again (and cannot undo a later restore).
 */
const setCredentialsOnce = idempotentStep(
  'rotate-secret.set-credentials',
  async (input: { key: string; request: CredentialRequest }, deps: RotationDeps) => {
    await askAdapter(deps.clients.lambda, deps.credentialAdapter, input.request);
    return { set: true };
  },
  'key',
);

async function setOnce(deps: RotationDeps, key: string, request: CredentialRequest): Promise<void> {
  await setCredentialsOnce({ key, request }, deps);
}

async function versionIdOf(sm: SecretsManagerClient, secretId: string, stage: string): Promise<string> {
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  const found = Object.entries(described.VersionIdsToStages ?? {}).find(([, s]) => s.includes(stage));
  if (!found) throw new RotationStateError(`secret ${secretId} has no ${stage} version`);
  return found[0];
}

async function secretValueOf(
  sm: SecretsManagerClient,
  secretId: string,
  which: { VersionId?: string; VersionStage?: string },
): Promise<string | undefined> {
  return (await sm.send(new GetSecretValueCommand({ SecretId: secretId, ...which }))).SecretString;
}

/**
 * The rotation function as deployed: the documented actions on the rotated secrets
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html),
 * the admin secret's current version for alternating users, the credential adapter, and its
 * idempotency records.
 */
export const rotationFunction = defineFunction({
  name: 'rotate-secret',
  module: import.meta.url,
  clients: { secretsManager: SecretsManagerClient, lambda: LambdaClient, dynamodb: DynamoDBClient },
  permissions: [
    {
      actions: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      on: 'rotated-secrets',
    },
    { actions: ['secretsmanager:GetRandomPassword'], on: 'any' },
    { actions: ['secretsmanager:DescribeSecret'], on: 'rotation-admin-secrets' },
    { actions: ['lambda:InvokeFunction'], on: 'credential-adapter' },
    idempotencyPermission,
  ],
});

let deployed: Omit<RotationDeps, 'remainingTimeMs'> | undefined;

/** The Lambda entry Secrets Manager invokes; configuration from the environment, read once per container. */
export const handler = withPowertools((event: unknown, context) => {
  deployed ??= {
    clients: lazyClients(rotationFunction.clients),
    credentialAdapter: requiredEnv('CREDENTIAL_ADAPTER_FUNCTION'),
    // The AWS templates' defaults: characters that break connection strings and shells left out.
    password: {
      length: Number(process.env.PASSWORD_LENGTH ?? 32),
      excludeCharacters: process.env.EXCLUDE_CHARACTERS ?? '/@"\'\\',
    },
    idempotencyTable: requiredEnv('IDEMPOTENCY_TABLE_NAME'),
  };
  return rotateSecret(event, { ...deployed, remainingTimeMs: () => context.getRemainingTimeInMillis() });
});
