import type { AccountIdentity } from '../account/account-identity.js';
import type { PolicyDocument } from '../account/iam/policy-evaluator.js';
import { type Template, TemplateResolver } from './template-resolver.js';

type Props = Readonly<Record<string, unknown>>;

/** A deployed function and the identity it runs as. */
export interface DeployedFunction {
  readonly name: string;
  readonly arn: string;
  readonly roleName: string;
  /** Every identity policy of its role (inline and attached), resolved. */
  readonly policies: readonly PolicyDocument[];
  readonly environment: Readonly<Record<string, string>>;
  /** The queue Lambda sends events the function failed on after its retries (async invocations). */
  readonly onFailure?: string;
}

/** A deployed resource with data: its ARN and, when it has one, its customer-managed key. */
export interface EncryptedResource {
  readonly name: string;
  readonly arn: string;
  readonly keyArn?: string;
}

/** A rule's target: what it delivers to, and where what it cannot deliver goes. */
export interface DeployedRuleTarget {
  readonly arn: string;
  readonly deadLetterArn?: string;
  /** The role EventBridge delivers as (another account's event bus takes one). */
  readonly roleArn?: string;
  /** What the target is sent instead of the event: its input transformer. */
  readonly inputTransformer?: {
    readonly InputPathsMap?: Readonly<Record<string, string>>;
    readonly InputTemplate: string;
  };
}

/** A role of the deployment: its ARN (path included) and who may assume it. */
export interface DeployedRole {
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
}

export interface DeployedRule {
  readonly arn: string;
  /** The event bus the rule is on (`default` unless a custom one). */
  readonly busName: string;
  readonly pattern?: unknown;
  readonly targets: readonly DeployedRuleTarget[];
}

export interface DeployedAlarm {
  readonly name: string;
  readonly props: Props;
}

/**
 * The platform as one synthesized template deploys it into an account: functions with their roles'
 * policies and environments, keys with their policies, tables, topics, queues and secrets with
 * their keys, resource policies (topic and queue policies, Lambda permissions), rules, state
 * machines and alarms. Everything is resolved to the account's names and ARNs.
 */
export class DeployedPlatform {
  readonly functions = new Map<string, DeployedFunction>();
  readonly keys = new Map<string, PolicyDocument>();
  readonly tables: (EncryptedResource & { readonly partitionKey: string; readonly sortKey?: string })[] = [];
  readonly topics: EncryptedResource[] = [];
  readonly queues: (EncryptedResource & { readonly url: string })[] = [];
  readonly secrets: EncryptedResource[] = [];
  /** Buckets, with their default Object Lock retention when they have one. */
  readonly buckets: {
    readonly name: string;
    readonly arn: string;
    readonly objectLock?: { readonly mode: 'COMPLIANCE' | 'GOVERNANCE'; readonly days: number };
  }[] = [];
  /** Asymmetric signing keys (KeyUsage SIGN_VERIFY), by ARN. */
  readonly signingKeys: string[] = [];
  /** Resource-based policies by resource ARN (topics, queues, functions). */
  readonly resourcePolicies = new Map<string, PolicyDocument>();
  readonly rules: DeployedRule[] = [];
  readonly alarms: DeployedAlarm[] = [];
  /** State machines by name, with their role's policies. */
  readonly stateMachines = new Map<
    string,
    { readonly arn: string; readonly roleName: string; readonly policies: readonly PolicyDocument[] }
  >();
  readonly rotationSchedules: { readonly secretArn: string; readonly functionArn: string }[] = [];
  /** Every role's identity policies (inline and attached), by role name. */
  readonly roles = new Map<string, readonly PolicyDocument[]>();
  /** Every role's ARN and trust policy, by role name. */
  readonly roleDetails = new Map<string, DeployedRole>();

  constructor(
    readonly stackName: string,
    template: Template,
    readonly identity: AccountIdentity,
  ) {
    const resolver = new TemplateResolver(template, stackName, identity);
    const props = (r: { Properties?: Props }) => (resolver.resolve(r.Properties ?? {}) ?? {}) as Props;
    const entries = Object.entries(template.Resources);
    const rolePolicies = new Map<string, PolicyDocument[]>();
    for (const [id, resource] of entries.filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      const inline = ((props(resource).Policies ?? []) as { PolicyDocument: PolicyDocument }[]).map(
        (p) => p.PolicyDocument,
      );
      rolePolicies.set(resolver.ref(id), inline);
      this.roleDetails.set(resolver.ref(id), {
        arn: resolver.attribute(id, 'Arn'),
        trustPolicy: props(resource).AssumeRolePolicyDocument as PolicyDocument,
      });
    }
    const permissions = new Map<string, unknown[]>();
    for (const [id, resource] of entries) {
      const p = () => props(resource);
      switch (resource.Type) {
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::ManagedPolicy':
          for (const role of (p().Roles ?? []) as string[])
            rolePolicies.get(role)?.push(p().PolicyDocument as PolicyDocument);
          break;
        case 'AWS::Events::EventBusPolicy': {
          const bus = String(p().EventBusName ?? 'default');
          const arn = `arn:aws:events:${identity.region}:${identity.accountId}:event-bus/${bus}`;
          const statements = (this.resourcePolicies.get(arn)?.Statement ?? []) as unknown[];
          this.resourcePolicies.set(arn, {
            Version: '2012-10-17',
            Statement: [...statements, { Sid: p().StatementId, ...(p().Statement as object) }],
          });
          break;
        }
        case 'AWS::KMS::Key':
          this.keys.set(resolver.attribute(id, 'Arn'), p().KeyPolicy as PolicyDocument);
          if (p().KeyUsage === 'SIGN_VERIFY') this.signingKeys.push(resolver.attribute(id, 'Arn'));
          break;
        case 'AWS::S3::Bucket': {
          const rule = (
            p().ObjectLockConfiguration as
              | { Rule?: { DefaultRetention?: { Mode?: 'COMPLIANCE' | 'GOVERNANCE'; Days?: number } } }
              | undefined
          )?.Rule?.DefaultRetention;
          this.buckets.push({
            name: resolver.ref(id),
            arn: resolver.attribute(id, 'Arn'),
            ...(rule?.Mode ? { objectLock: { mode: rule.Mode, days: rule.Days ?? 1 } } : {}),
          });
          break;
        }
        case 'AWS::S3::BucketPolicy': {
          // Kept by the bucket's ARN: the account's IAM applies it to the bucket's objects too.
          const bucket = String(p().Bucket);
          this.resourcePolicies.set(`arn:aws:s3:::${bucket}`, p().PolicyDocument as PolicyDocument);
          break;
        }
        case 'AWS::DynamoDB::Table': {
          const sse = p().SSESpecification as { KMSMasterKeyId?: string } | undefined;
          const keySchema = p().KeySchema as { AttributeName: string; KeyType: string }[];
          this.tables.push({
            name: resolver.ref(id),
            arn: resolver.attribute(id, 'Arn'),
            partitionKey: keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '',
            ...(keySchema.some((k) => k.KeyType === 'RANGE')
              ? { sortKey: keySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName ?? '' }
              : {}),
            ...this.keyOf(sse?.KMSMasterKeyId),
          });
          break;
        }
        case 'AWS::SNS::Topic':
          this.topics.push({
            name: resolver.attribute(id, 'TopicName'),
            arn: resolver.ref(id),
            ...this.keyOf(p().KmsMasterKeyId as string | undefined),
          });
          break;
        case 'AWS::SQS::Queue':
          this.queues.push({
            name: resolver.attribute(id, 'QueueName'),
            arn: resolver.attribute(id, 'Arn'),
            url: resolver.ref(id),
            ...this.keyOf(p().KmsMasterKeyId as string | undefined),
          });
          break;
        case 'AWS::SecretsManager::Secret':
          this.secrets.push({
            name: resolver.ref(id),
            arn: resolver.ref(id),
            ...this.keyOf(p().KmsKeyId as string | undefined),
          });
          break;
        case 'AWS::SNS::TopicPolicy':
          for (const topic of p().Topics as string[])
            this.resourcePolicies.set(topic, p().PolicyDocument as PolicyDocument);
          break;
        case 'AWS::SQS::QueuePolicy':
          for (const url of p().Queues as string[]) {
            this.resourcePolicies.set(this.queueArnOfUrl(url), p().PolicyDocument as PolicyDocument);
          }
          break;
        case 'AWS::Lambda::Permission': {
          const statement = permissionStatement(p(), identity);
          permissions.set(statement.Resource, [...(permissions.get(statement.Resource) ?? []), statement]);
          break;
        }
        case 'AWS::Events::Rule':
          this.rules.push({
            arn: resolver.attribute(id, 'Arn'),
            busName: String(p().EventBusName ?? 'default'),
            pattern: p().EventPattern,
            targets: (
              (p().Targets ?? []) as (Omit<DeployedRuleTarget, 'arn' | 'deadLetterArn'> & {
                Arn: string;
                DeadLetterConfig?: { Arn: string };
                RoleArn?: string;
                InputTransformer?: DeployedRuleTarget['inputTransformer'];
              })[]
            ).map((t) => ({
              arn: t.Arn,
              ...(t.DeadLetterConfig ? { deadLetterArn: t.DeadLetterConfig.Arn } : {}),
              ...(t.RoleArn ? { roleArn: t.RoleArn } : {}),
              ...(t.InputTransformer ? { inputTransformer: t.InputTransformer } : {}),
            })),
          });
          break;
        case 'AWS::CloudWatch::Alarm':
          this.alarms.push({ name: resolver.ref(id), props: p() });
          break;
        case 'AWS::SecretsManager::RotationSchedule':
          this.rotationSchedules.push({
            secretArn: String(p().SecretId),
            functionArn: String(p().RotationLambdaARN),
          });
          break;
        default:
          break;
      }
    }
    for (const [name, policies] of rolePolicies) this.roles.set(name, policies);
    for (const [arn, statements] of permissions) {
      this.resourcePolicies.set(arn, { Version: '2012-10-17', Statement: statements });
    }
    const onFailure = new Map<string, string>();
    for (const [, resource] of entries.filter(([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig')) {
      const p = props(resource);
      const destination = (p.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)
        ?.OnFailure?.Destination;
      if (destination) onFailure.set(String(p.FunctionName), destination);
    }
    for (const [id, resource] of entries.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
      const p = props(resource);
      const name = resolver.ref(id);
      const roleName = String(p.Role).split('/').pop() ?? '';
      const failure = onFailure.get(name);
      this.functions.set(name, {
        name,
        arn: resolver.attribute(id, 'Arn'),
        roleName,
        policies: rolePolicies.get(roleName) ?? [],
        environment: ((p.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ??
          {}) as Record<string, string>,
        ...(failure ? { onFailure: failure } : {}),
      });
    }
    for (const [id, resource] of entries.filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')) {
      const p = props(resource);
      const roleName = String(p.RoleArn).split('/').pop() ?? '';
      this.stateMachines.set(resolver.attribute(id, 'Name'), {
        arn: resolver.ref(id),
        roleName,
        policies: rolePolicies.get(roleName) ?? [],
      });
    }
  }

  /**
   * The same deployment with one function's identity policies replaced: what-if analyses (which
   * game day fails without this statement?) install it instead.
   */
  withPolicies(functionName: string, policies: readonly PolicyDocument[]): DeployedPlatform {
    const fn = this.functions.get(functionName);
    if (!fn) throw new Error(`the deployment has no function ${functionName}`);
    const copy = Object.create(DeployedPlatform.prototype) as DeployedPlatform;
    Object.assign(copy, this);
    Object.defineProperty(copy, 'functions', {
      value: new Map(this.functions).set(functionName, { ...fn, policies }),
    });
    return copy;
  }

  /** The deployed function named `<stack>-<name>` (the platform's names for its functions). */
  platformFunction(name: string): DeployedFunction {
    const fn = this.functions.get(`${this.stackName}-${name}`);
    if (!fn) throw new Error(`the deployment has no function ${this.stackName}-${name}`);
    return fn;
  }

  /** A role session of the function's role, as Lambda runs its code: `assumed-role/<role>/<function>`. */
  principalOf(fn: { readonly roleName: string; readonly name: string }): string {
    return `arn:aws:sts::${this.identity.accountId}:assumed-role/${fn.roleName}/${fn.name}`;
  }

  private keyOf(keyArnOrId: string | undefined): { keyArn?: string } {
    if (!keyArnOrId) return {};
    const arn = keyArnOrId.startsWith('arn:')
      ? keyArnOrId
      : `arn:aws:kms:${this.identity.region}:${this.identity.accountId}:key/${keyArnOrId}`;
    return { keyArn: arn };
  }

  private queueArnOfUrl(url: string): string {
    const name = url.split('/').pop() ?? '';
    return `arn:aws:sqs:${this.identity.region}:${this.identity.accountId}:${name}`;
  }
}

/**
 * A Lambda permission as the statement Lambda adds to the function's policy
 * (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
 */
function permissionStatement(
  p: Props,
  identity: AccountIdentity,
): { Resource: string } & Record<string, unknown> {
  const name = String(p.FunctionName);
  const resource = name.startsWith('arn:')
    ? name
    : `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${name}`;
  const principal = String(p.Principal);
  const conditions: Record<string, Record<string, string>> = {};
  if (p.SourceAccount) conditions.StringEquals = { 'AWS:SourceAccount': String(p.SourceAccount) };
  if (p.SourceArn) conditions.ArnLike = { 'AWS:SourceArn': String(p.SourceArn) };
  return {
    Effect: 'Allow',
    Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: String(p.Action),
    Resource: resource,
    ...(Object.keys(conditions).length ? { Condition: conditions } : {}),
  };
}
