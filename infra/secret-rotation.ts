import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { CfnRotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as z from 'zod/mini';
import type { StartRequest } from '../handlers/dispatcher/start-request.js';
import type { Permission } from '../handlers/lib/define-step.js';
import { nonEmptyString } from '../handlers/lib/schemas.js';
import { parseTarget } from '../handlers/lib/targets.js';
import { rotationFunction } from '../handlers/secret-rotation/rotate-secret.js';
import type { Dispatcher } from './dispatcher.js';
import { PlatformFunction } from './platform-function.js';

const secretArn =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

/** One secret the platform rotates, from the `runbooks:rotatedSecrets` context setting. */
export const rotatedSecretSchema = z
  .object({
    /** The complete ARN (with its six-character suffix), so IAM can name exactly this secret. */
    secretArn: z.string().check(z.regex(secretArn, 'is not a complete secret ARN')),
    strategy: z.enum(['single-user', 'alternating-users']),
    /** The admin secret alternating users rotate with (the secret's `masterarn`). */
    masterSecretArn: z.optional(z.string().check(z.regex(secretArn, 'is not a complete secret ARN'))),
    /** Health-check aliases, `function:alias`. */
    consumers: z._default(
      z.array(
        nonEmptyString().check(
          z.refine((c) => {
            try {
              return parseTarget(`lambda:${c}`).kind === 'function' && c.includes(':');
            } catch {
              return false;
            }
          }, 'is not function:alias'),
        ),
      ),
      [],
    ),
    /**
     * The customer-managed key the secret is encrypted with, if any: the rotation function may use
     * it through Secrets Manager only.
     */
    kmsKeyArn: z.optional(
      z
        .string()
        .check(z.regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]+$/, 'is not a KMS key ARN')),
    ),
    /** When the runbook rotates it: an EventBridge `rate(...)` or `cron(...)` expression. */
    schedule: z.string().check(z.regex(/^(rate|cron)\(.+\)$/, 'is not a rate() or cron() expression')),
  })
  .check(
    z.refine(
      (s) => s.strategy !== 'alternating-users' || s.masterSecretArn !== undefined,
      'alternating users need masterSecretArn',
    ),
  );

export type RotatedSecret = z.infer<typeof rotatedSecretSchema>;

/** The secret's name: its ARN's last part without the random suffix. */
export function secretNameOf(arn: string): string {
  return (arn.split(':secret:')[1] ?? '').replace(/-[A-Za-z0-9]{6}$/, '');
}

export interface SecretRotationProps {
  readonly secrets: readonly RotatedSecret[];
  /** The function that sets and tests credentials in the target system. */
  readonly credentialAdapterArn: string;
  /** The platform's idempotency table, where `setSecret` remembers what it did. */
  readonly idempotencyTableName: string;
  readonly alarmTopic: ITopic;
}

/**
 * The platform's rotation function and each rotated secret's rotation schedule. Secrets Manager's
 * own schedule is off (no rotation rules): rotations run through the runbook, which proves the
 * consumers work before the new value sticks. Secrets Manager may invoke the function for these
 * secrets of this account only (`SourceAccount` and `SourceArn`, against the confused deputy:
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html);
 * the function's own permissions come from its declaration (`rotationFunction`).
 */
export class SecretRotation extends Construct {
  readonly rotationFunction: PlatformFunction;
  /** The rotation function with its declared permissions, for the stack to grant. */
  readonly declared: { readonly fn: PlatformFunction; readonly permissions: readonly Permission[] };

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SecretRotationProps,
  ) {
    super(scope, id);
    const stack = Stack.of(this);
    this.rotationFunction = new PlatformFunction(this, 'RotationFunction', {
      name: rotationFunction.name,
      entry: fileURLToPath(rotationFunction.module),
      environment: {
        CREDENTIAL_ADAPTER_FUNCTION: props.credentialAdapterArn,
        IDEMPOTENCY_TABLE_NAME: props.idempotencyTableName,
      },
      alarmTopic: props.alarmTopic,
    });
    this.declared = { fn: this.rotationFunction, permissions: rotationFunction.permissions };
    const fn = this.rotationFunction.function;
    props.secrets.forEach((secret, index) => {
      const permission = new CfnPermission(this, `SecretsManagerInvokes${index}`, {
        action: 'lambda:InvokeFunction',
        functionName: fn.functionArn,
        principal: 'secretsmanager.amazonaws.com',
        sourceAccount: stack.account,
        sourceArn: secret.secretArn,
      });
      const schedule = new CfnRotationSchedule(this, `Schedule${index}`, {
        secretId: secret.secretArn,
        rotationLambdaArn: fn.functionArn,
        rotateImmediatelyOnUpdate: false,
      });
      // Secrets Manager checks it may invoke the function when the schedule is created.
      schedule.addDependency(permission);
    });
  }

  /**
   * The runbook's schedules: one per secret, sending the dispatcher a start request. (Secrets
   * Manager's RotationFailed events are the runbook's event trigger, which the stack deploys.)
   */
  addTriggers(dispatcher: Dispatcher): void {
    this.props.secrets.forEach((secret, index) => {
      const name = secretNameOf(secret.secretArn);
      const request: StartRequest = {
        startRequest: {
          runbook: 'secret-rotation',
          target: `secret:${name}`,
          parameters: secret.consumers.length ? { consumers: secret.consumers.join(',') } : {},
          requestedBy: `schedule:${name}`,
        },
      };
      new Rule(this, `RotateOnSchedule${index}`, {
        description: `Starts the secret-rotation runbook on ${name}`,
        schedule: Schedule.expression(secret.schedule),
        targets: [dispatcher.asTarget(RuleTargetInput.fromObject(request))],
      });
    });
  }
}
