import type {
  CancelRotateSecretCommandInput,
  CreateSecretCommandInput,
  DescribeSecretCommandInput,
  GetRandomPasswordCommandInput,
  GetSecretValueCommandInput,
  PutSecretValueCommandInput,
  RotateSecretCommandInput,
  UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';
import type { AccountIdentity } from '../account-identity.js';
import { stableUuid } from '../alarm-state-change.js';
import type { EventBus } from '../event-bus.js';
import type { AccountIam } from '../iam/account-iam.js';
import type { SimulatedLambda } from '../lambda/simulated-lambda.js';
import type { SimulatedOperations } from '../sdk-binding.js';
import type { VirtualClock } from '../virtual-clock.js';
import { randomPassword } from './random-password.js';
import { RotationJobs } from './rotation-jobs.js';
import { current, pending, SecretStore, type StoredSecret } from './secret-store.js';
import { invalidParameter, invalidRequest, secretNotFound } from './secrets-errors.js';

/**
 * The Secrets Manager API the platform and its rotation function call, on a store of versions and
 * staging labels and a rotation engine that invokes the rotation function step by step
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/).
 */
export class SimulatedSecretsManager {
  readonly store: SecretStore;
  readonly rotations: RotationJobs;
  private tokens = 0;

  constructor(
    identity: AccountIdentity,
    private readonly clock: VirtualClock,
    bus: EventBus,
    private readonly lambda: SimulatedLambda,
    iam: AccountIam,
  ) {
    this.store = new SecretStore(identity);
    this.rotations = new RotationJobs(identity, clock, bus, lambda.code, iam);
  }

  /** The SDK fills `ClientRequestToken` in when serializing; calls answered before that get one here. */
  private token(given: string | undefined): string {
    this.tokens += 1;
    return given ?? stableUuid(`secrets-manager-token-${this.tokens}`);
  }

  createSecret(input: CreateSecretCommandInput) {
    if (!input.Name || input.SecretString === undefined)
      throw invalidParameter('CreateSecret needs a Name and a SecretString.');
    const tags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    const secret = this.store.create(
      input.Name,
      input.SecretString,
      this.token(input.ClientRequestToken),
      tags,
      this.clock.now(),
    );
    return { ARN: secret.arn, Name: secret.name, VersionId: [...secret.versions.keys()][0] };
  }

  /** Configures rotation without starting one (setup, as a RotationSchedule without rules does). */
  configureRotation(secretId: string, lambdaArn: string): void {
    const secret = this.store.get(secretId);
    secret.rotation.lambdaArn = this.lambda.fn(lambdaArn).arn;
    secret.rotation.enabled = true;
  }

  describeSecret(input: DescribeSecretCommandInput) {
    const secret = this.store.get(input.SecretId ?? '');
    const { rotation } = secret;
    return {
      ARN: secret.arn,
      Name: secret.name,
      CreatedDate: secret.createdAt,
      LastChangedDate: secret.lastChangedAt,
      RotationEnabled: rotation.enabled,
      ...(rotation.lambdaArn ? { RotationLambdaARN: rotation.lambdaArn } : {}),
      ...(rotation.rules ? { RotationRules: { ...rotation.rules } } : {}),
      ...(rotation.lastRotatedAt ? { LastRotatedDate: rotation.lastRotatedAt } : {}),
      Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
      VersionIdsToStages: this.store.versionIdsToStages(secret),
    };
  }

  getSecretValue(input: GetSecretValueCommandInput) {
    const secret = this.store.get(input.SecretId ?? '');
    const stage = input.VersionStage ?? (input.VersionId ? undefined : current);
    const version = input.VersionId
      ? this.store.version(secret, input.VersionId)
      : this.store.labelled(secret, stage ?? current);
    if (!version || version.value === undefined || (stage && !version.stages.has(stage)))
      throw secretNotFound(
        `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.value,
      VersionStages: [...version.stages],
      CreatedDate: version.createdAt,
    };
  }

  putSecretValue(input: PutSecretValueCommandInput) {
    const secret = this.store.get(input.SecretId ?? '');
    if (input.SecretString === undefined) throw invalidParameter('PutSecretValue needs a SecretString.');
    const stages = input.VersionStages ?? [current];
    const abandoned = this.abandonsRotation(secret, stages);
    const version = this.store.addVersion(
      secret,
      this.token(input.ClientRequestToken),
      input.SecretString,
      stages,
      this.clock.now(),
    );
    if (abandoned) {
      // A new AWSCURRENT by hand abandons a rotation in progress (the RotationAbandoned event).
      abandoned.stages.delete(pending);
      this.rotations.cancel(secret);
      this.rotations.emit(secret, 'RotationAbandoned');
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  private abandonsRotation(secret: StoredSecret, stages: readonly string[]) {
    const pendingVersion = this.store.labelled(secret, pending);
    if (!stages.includes(current) || stages.includes(pending) || !pendingVersion) return undefined;
    return pendingVersion.stages.has(current) ? undefined : pendingVersion;
  }

  updateSecretVersionStage(input: UpdateSecretVersionStageCommandInput) {
    const secret = this.store.get(input.SecretId ?? '');
    const stage = input.VersionStage ?? '';
    if (!stage) throw invalidParameter('VersionStage is required.');
    const holder = this.store.labelled(secret, stage);
    if (input.MoveToVersionId) {
      const to = this.store.version(secret, input.MoveToVersionId);
      if (holder && holder !== to && input.RemoveFromVersionId !== holder.id)
        throw invalidParameter(
          `The staging label ${stage} is currently attached to version ${holder.id}, but RemoveFromVersionId ${input.RemoveFromVersionId ?? '(none)'} does not name it.`,
        );
      this.store.moveLabel(secret, stage, to);
    } else if (input.RemoveFromVersionId) {
      this.store.removeLabel(stage, this.store.version(secret, input.RemoveFromVersionId));
    } else {
      throw invalidParameter('Specify MoveToVersionId, RemoveFromVersionId or both.');
    }
    secret.lastChangedAt = this.clock.now();
    return { ARN: secret.arn, Name: secret.name };
  }

  getRandomPassword(input: GetRandomPasswordCommandInput) {
    this.tokens += 1;
    const password = randomPassword(input, `password-${this.tokens}`);
    this.store.valuesEverHeld.add(password);
    return { RandomPassword: password };
  }

  rotateSecret(input: RotateSecretCommandInput) {
    const secret = this.store.get(input.SecretId ?? '');
    if (input.RotationLambdaARN) {
      try {
        this.lambda.fn(input.RotationLambdaARN);
      } catch {
        throw invalidRequest('Secrets Manager cannot invoke the specified Lambda function.');
      }
    }
    const lambdaArn = input.RotationLambdaARN ?? secret.rotation.lambdaArn;
    if (!lambdaArn) throw invalidRequest('No Lambda rotation function ARN is associated with this secret.');
    const token = this.token(input.ClientRequestToken);
    const response = { ARN: secret.arn, Name: secret.name, VersionId: token };
    // The same token again is the same request: nothing new starts.
    if (secret.versions.has(token)) return response;
    const pendingVersion = this.store.labelled(secret, pending);
    if (pendingVersion && !pendingVersion.stages.has(current))
      throw invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");
    secret.rotation.lambdaArn = lambdaArn;
    secret.rotation.enabled = true;
    if (input.RotationRules) secret.rotation.rules = { ...input.RotationRules };
    // Rotation starts with an empty version labelled AWSPENDING, which createSecret fills: rotation
    // functions check that the token names a version before anything else.
    this.store.addVersion(secret, token, undefined, [pending], this.clock.now());
    this.rotations.start(secret, token, input.RotateImmediately ?? true);
    return response;
  }

  /** Turns automatic rotation off and stops a rotation in progress; labels stay where they are. */
  cancelRotateSecret(input: CancelRotateSecretCommandInput) {
    const secret = this.store.get(input.SecretId ?? '');
    secret.rotation.enabled = false;
    this.rotations.cancel(secret);
    const pendingVersion = this.store.labelled(secret, pending);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(pendingVersion ? { VersionId: pendingVersion.id } : {}),
    };
  }

  operations(): SimulatedOperations {
    return {
      CreateSecret: (input) => this.createSecret(input),
      DescribeSecret: (input) => this.describeSecret(input),
      GetSecretValue: (input) => this.getSecretValue(input),
      PutSecretValue: (input) => this.putSecretValue(input),
      UpdateSecretVersionStage: (input) => this.updateSecretVersionStage(input),
      GetRandomPassword: (input) => this.getRandomPassword(input),
      RotateSecret: (input) => this.rotateSecret(input),
      CancelRotateSecret: (input) => this.cancelRotateSecret(input),
    };
  }
}
