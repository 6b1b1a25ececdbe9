import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CancelRotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { ConfigurationChangedError } from '../lib/errors.js';
import { parseInput } from '../lib/parse-input.js';
import { type AwsResponse, requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore, StepDeps } from '../lib/step-deps.js';
import { type VersionStages, versionWith } from './contract.js';
import { RestoreFailedError } from './rotation-errors.js';
import { currentVersions, moveLabel, removeLabel } from './secret-labels.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  secretId: nonEmptyString(),
  rotationFunction: nonEmptyString(),
  /** The rotation's version (its token). */
  versionId: nonEmptyString(),
  /** AWSCURRENT and AWSPREVIOUS before the rotation. */
  previousVersion: nonEmptyString(),
  previousOfPrevious: z.nullable(z.string()),
});

export type RollBackRotationInput = z.input<typeof inputSchema>;

export interface RolledBack {
  /** What was done, in order, by version id. */
  readonly actions: readonly string[];
  /** Whether the target system accepts the previous credentials again (the rotation function's restore). */
  readonly restored: boolean;
  readonly restoreProblem: string | null;
  readonly versions: readonly VersionStages[];
}

type Deps = StepDeps<'secretsManager' | 'lambda'>;

/** Asks the rotation function to make `previousVersion`'s credentials valid in the target system again. */
async function restore(
  input: z.infer<typeof inputSchema>,
  deps: Deps,
): Promise<{ readonly problem: string | null; readonly response?: AwsResponse }> {
  try {
    const response = await deps.clients.lambda.send(
      new InvokeCommand({
        FunctionName: input.rotationFunction,
        Payload: new TextEncoder().encode(
          JSON.stringify({
            Step: 'restoreSecret',
            SecretId: input.secretId,
            ClientRequestToken: input.previousVersion,
          }),
        ),
      }),
    );
    if (!response.FunctionError) return { problem: null, response };
    const answer = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array())) as {
      errorType?: string;
      errorMessage?: string;
    };
    // The rotation function's messages name versions, never values.
    return { problem: `${answer.errorType ?? 'error'}: ${answer.errorMessage ?? ''}`.trim() };
  } catch (error) {
    return { problem: `could not invoke the rotation function: ${(error as Error).name}` };
  }
}

/**
 * Undoes a rotation so consumers work again, each part safe to repeat: stops Secrets Manager
 * retrying it; has the rotation function set the previous credentials in the target system again
 * (a single user's old password is gone there once setSecret ran; harmless otherwise), while the new
 * credentials can still log in to do it; puts AWSCURRENT and AWSPREVIOUS back where they were; and
 * removes any leftover AWSPENDING so later rotations are not blocked. After a finished rotation,
 * labels move only once the restore worked (RestoreFailedError otherwise, tried again by the
 * definition); an unfinished one never changed the target, so they move even if it fails, and the
 * escalation says so.
 */
export const rollBackRotation: StepCore<
  RollBackRotationInput,
  RolledBack,
  'secretsManager' | 'lambda'
> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'roll-back-rotation');
  const sm = deps.clients.secretsManager;
  const { secretId, versionId, previousVersion } = input;
  const actions: string[] = [];
  const audit = async (action: string, made: AwsResponse | undefined, before: unknown, after: unknown) => {
    actions.push(action);
    await deps.audit.record({
      at: deps.now().toISOString(),
      executionId: input.executionId,
      runbook: input.runbook,
      step: 'roll-back-rotation',
      kind: 'rotation-rollback',
      action,
      target: secretId,
      before,
      after,
      requestIds: made ? requestIdsOf(made) : [],
    });
  };
  let versions = await currentVersions(sm, secretId);
  const current = versionWith(versions, 'AWSCURRENT');
  if (current !== versionId && current !== previousVersion)
    throw new ConfigurationChangedError(
      `AWSCURRENT is on version ${current}, neither the rotation's ${versionId} nor ${previousVersion}: someone else changed the secret; not rolling back over it`,
    );
  if (current !== versionId) {
    // Unfinished: stop Secrets Manager from trying again while the labels are put back.
    const cancelled = await sm.send(new CancelRotateSecretCommand({ SecretId: secretId }));
    await audit(
      'cancel the unfinished rotation (turns automatic rotation off until the next RotateSecret)',
      cancelled,
      { rotating: versionId },
      { rotating: null },
    );
  }
  const { problem: restoreProblem, response: restored } = await restore(input, deps);
  // A finished rotation set the new credentials in the target (a single user's old password is
  // gone there): AWSCURRENT goes back only once the old ones work again.
  if (restoreProblem !== null && current === versionId)
    throw new RestoreFailedError(`the previous credentials could not be restored: ${restoreProblem}`);
  if (restoreProblem === null)
    await audit(
      'set the previous credentials in the target system again',
      restored,
      { credentialsOf: versionId },
      { credentialsOf: previousVersion },
    );
  if (current === versionId) {
    const moved = await moveLabel(sm, secretId, 'AWSCURRENT', versionId, previousVersion);
    await audit(
      'move AWSCURRENT back to the previous version',
      moved,
      { AWSCURRENT: versionId },
      { AWSCURRENT: previousVersion },
    );
    versions = await currentVersions(sm, secretId);
    const previousNow = versionWith(versions, 'AWSPREVIOUS');
    if (input.previousOfPrevious && previousNow !== input.previousOfPrevious) {
      const previousMoved = await moveLabel(
        sm,
        secretId,
        'AWSPREVIOUS',
        previousNow,
        input.previousOfPrevious,
      );
      await audit(
        'put AWSPREVIOUS back',
        previousMoved,
        { AWSPREVIOUS: previousNow },
        { AWSPREVIOUS: input.previousOfPrevious },
      );
    }
  }
  versions = await currentVersions(sm, secretId);
  const pending = versionWith(versions, 'AWSPENDING');
  if (pending && pending !== versionWith(versions, 'AWSCURRENT')) {
    const removed = await removeLabel(sm, secretId, 'AWSPENDING', pending);
    await audit(
      'remove the leftover AWSPENDING label',
      removed,
      { AWSPENDING: pending },
      { AWSPENDING: null },
    );
  }
  return {
    actions,
    restored: restoreProblem === null,
    restoreProblem,
    versions: await currentVersions(sm, secretId),
  };
};

// Stryker disable all: a step's clients and permissions are checked by the IAM tests (each
// permission removed in turn fails a game day), which mutation runs leave out.
/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'roll-back-rotation',
  module: import.meta.url,
  clients: { secretsManager: SecretsManagerClient, lambda: LambdaClient },
  core: rollBackRotation,
  audits: DynamoDBClient,
  permissions: [
    {
      actions: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:UpdateSecretVersionStage',
        'secretsmanager:CancelRotateSecret',
      ],
      on: 'rotated-secrets',
    },
    { actions: ['lambda:InvokeFunction'], on: 'rotation-function' },
  ],
});
// Stryker restore all

export const handler = step.handler;
