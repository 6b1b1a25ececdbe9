import {
  DescribeSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { AwsResponse } from '../lib/request-ids.js';
import { type VersionStages, versionsOf } from './contract.js';

/** The secret's labelled versions now. */
export async function currentVersions(sm: SecretsManagerClient, secretId: string): Promise<VersionStages[]> {
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  return versionsOf(described.VersionIdsToStages);
}

/** Moves a label from one version to another; Secrets Manager refuses if `from` no longer has it. */
export async function moveLabel(
  sm: SecretsManagerClient,
  secretId: string,
  stage: string,
  from: string | null,
  to: string,
): Promise<AwsResponse> {
  return sm.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: stage,
      MoveToVersionId: to,
      ...(from ? { RemoveFromVersionId: from } : {}),
    }),
  );
}

/** Takes a label off a version. */
export async function removeLabel(
  sm: SecretsManagerClient,
  secretId: string,
  stage: string,
  from: string,
): Promise<AwsResponse> {
  return sm.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: stage,
      RemoveFromVersionId: from,
    }),
  );
}
