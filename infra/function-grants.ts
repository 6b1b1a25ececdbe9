import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Permission, ResourceKind } from '../handlers/lib/define-step.js';

/** A service the platform's data goes through, for `kms:ViaService`. */
export type KeyService = 'dynamodb' | 'sns' | 'sqs' | 'secretsmanager' | 's3';

/** A key encrypting some resources' data, and the service that uses it for them. */
export interface KeyUse {
  readonly keyArn: string;
  readonly service: KeyService;
}

/** What each kind of resource is in one deployment. */
export interface KindScope {
  /** Its ARNs (patterns allowed); none: nothing of this kind is granted. */
  readonly arns: readonly string[];
  /** The keys its data is encrypted with. Default: none. */
  readonly keys?: readonly KeyUse[];
  /** Conditions every statement on it carries. Default: none. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** Kinds of resource in one account, and the platform's own functions there. */
export interface GrantScope {
  readonly region: string;
  /** A kind left out is granted nowhere. */
  readonly kinds: Readonly<Partial<Record<ResourceKind, KindScope>>>;
  /** ARN pattern of the platform's own functions: whatever the scope, steps never act on these. */
  readonly platformFunctions: string;
}

/** Every kind of resource in one deployment, and the platform's own functions. */
export interface DeploymentScope extends GrantScope {
  readonly kinds: Readonly<Record<ResourceKind, KindScope>>;
}

/** Kinds that are other teams' functions (or mappings invoking them), where the platform's own are denied. */
const workloadFunctionKinds: ReadonlySet<ResourceKind> = new Set([
  'target-functions',
  'target-event-source-mappings',
  'replay-consumers',
  'rotation-consumers',
]);

/**
 * The key actions a data action needs on an encrypted resource: storing data encrypts it with a
 * new data key, reading decrypts it (SQS, SNS, DynamoDB and Secrets Manager alike). Other actions
 * (describing, deleting a message, changing labels) use no key.
 */
const keyActionsOf = (action: string): readonly string[] => {
  if (
    [
      'sqs:SendMessage',
      'sns:Publish',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'secretsmanager:PutSecretValue',
      's3:PutObject',
    ].includes(action)
  )
    return ['kms:GenerateDataKey', 'kms:Decrypt'];
  if (
    [
      'sqs:ReceiveMessage',
      'sqs:StartMessageMoveTask',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'secretsmanager:GetSecretValue',
      's3:GetObject',
    ].includes(action)
  )
    return ['kms:Decrypt'];
  return [];
};

/** Key actions through one service only: the key can be used for that service's data and nothing else. */
export function keyStatement(use: KeyUse, region: string, actions: readonly string[]): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [...actions],
    resources: [use.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `${use.service}.${region}.amazonaws.com` } },
  });
}

/** Grants key actions through one service to a principal. */
export function grantKeyUse(
  grantee: IGrantable,
  use: KeyUse,
  region: string,
  actions: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(keyStatement(use, region, actions));
}

/**
 * The identity policy statements of a function, derived from its declared permissions and the
 * deployment: each permission on its kind's ARNs; the key actions its data actions need, through
 * that service only; and, for permissions on workload functions, the same actions denied on the
 * platform's own functions (a step must never cap the dispatcher or invoke a Slack worker, whatever
 * the scope says).
 */
export function statementsFor(permissions: readonly Permission[], scope: GrantScope): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const permission of permissions) {
    const kind = scope.kinds[permission.on];
    if (!kind || kind.arns.length === 0) continue;
    statements.push(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...permission.actions],
        resources: [...kind.arns],
        ...(kind.conditions ? { conditions: kind.conditions } : {}),
      }),
    );
    const keyActions = [...new Set(permission.actions.flatMap(keyActionsOf))];
    if (keyActions.length > 0) {
      for (const use of kind.keys ?? []) statements.push(keyStatement(use, scope.region, keyActions));
    }
    if (workloadFunctionKinds.has(permission.on)) {
      const mappings = permission.on === 'target-event-source-mappings';
      statements.push(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: [...permission.actions],
          resources: mappings ? [...kind.arns] : [scope.platformFunctions],
          ...(mappings
            ? { conditions: { ArnLike: { 'lambda:FunctionArn': [scope.platformFunctions] } } }
            : {}),
        }),
      );
    }
  }
  return statements;
}
