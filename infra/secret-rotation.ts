import { fileURLToPath } from 'node:url';
import { Duration, type Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { RotationSchedule, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as z from 'zod/mini';
import type { StartRequest } from '../handlers/dispatcher/start-request.js';
import { nonEmptyString } from '../handlers/lib/schemas.js';
import { parseTarget } from '../handlers/lib/targets.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction } from './platform-function.js';

const secretArn =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const functionArn =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;

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
  readonly idempotencyTable: ITable;
  readonly key: IKey;
  readonly alarmTopic: ITopic;
}

/**
 * The platform's rotation function and each rotated secret's RotationSchedule. Secrets Manager's
 * own schedule is off (no rotation rules): rotations run through the runbook, which proves the
 * consumers work before the new value sticks. `RotationSchedule` grants Secrets Manager the right to
 * invoke the function and the function the documented actions on that secret alone.
 */
export class SecretRotation extends Construct {
  readonly rotationFunction: PlatformFunction;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SecretRotationProps,
  ) {
    super(scope, id);
    if (!functionArn.test(props.credentialAdapterArn))
      throw new Error(
        `runbooks:credentialAdapter "${props.credentialAdapterArn}" is not a Lambda function ARN`,
      );
    this.rotationFunction = new PlatformFunction(this, 'RotationFunction', {
      entry: fileURLToPath(new URL('../handlers/secret-rotation/rotate-secret.ts', import.meta.url)),
      environment: {
        CREDENTIAL_ADAPTER_FUNCTION: props.credentialAdapterArn,
        IDEMPOTENCY_TABLE_NAME: props.idempotencyTable.tableName,
      },
      alarmTopic: props.alarmTopic,
    });
    const fn = this.rotationFunction.function;
    props.secrets.forEach((secret, index) => {
      new RotationSchedule(this, `Schedule${index}`, {
        secret: Secret.fromSecretCompleteArn(this, `Secret${index}`, secret.secretArn),
        rotationLambda: fn,
        automaticallyAfter: Duration.days(0),
        rotateImmediatelyOnUpdate: false,
      });
    });
    const masters = [
      ...new Set(props.secrets.flatMap((s) => (s.masterSecretArn ? [s.masterSecretArn] : []))),
    ];
    if (masters.length > 0) {
      // Alternating users: the function finds the admin secret's current version; the adapter reads it.
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: masters }),
      );
    }
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.credentialAdapterArn] }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.idempotencyTable.tableArn],
      }),
    );
    props.key.grantEncryptDecrypt(fn);
    nagAcknowledgements.rotationFunction(this.rotationFunction);
  }

  /** Every consumer health-check alias, as function ARNs with the alias. */
  consumerArns(stack: Stack): string[] {
    return this.props.secrets.flatMap((s) =>
      s.consumers.map((c) => `arn:${stack.partition}:lambda:${stack.region}:${stack.account}:function:${c}`),
    );
  }

  /**
   * The runbook's triggers: a schedule per secret sending the dispatcher a start request, and
   * Secrets Manager's RotationFailed events of these secrets.
   */
  addTriggers(dispatcher: IFunction, deadLetters: IQueue): void {
    const target = (input?: RuleTargetInput) =>
      new LambdaFunction(dispatcher, {
        deadLetterQueue: deadLetters,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
        ...(input ? { event: input } : {}),
      });
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
        targets: [target(RuleTargetInput.fromObject(request))],
      });
    });
    if (this.props.secrets.length === 0) return;
    new Rule(this, 'RecoverFailedRotations', {
      description: 'Starts the secret-rotation runbook when Secrets Manager reports a failed rotation',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed'],
          additionalEventData: { SecretId: this.props.secrets.map((s) => s.secretArn) },
        },
      },
      targets: [target()],
    });
  }
}
