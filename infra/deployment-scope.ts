import type { Stack } from 'aws-cdk-lib';
import type { ResourceKind } from '../handlers/lib/define-step.js';
import { testEventRegistry } from '../handlers/runtime-upgrade/contract.js';
import { type DeadLetterQueueSetting, quarantineArnOf } from './context-settings.js';
import type { DeploymentScope, KeyUse, KindScope } from './function-grants.js';
import type { RotatedSecret } from './secret-rotation.js';

/** The platform's own resources every deployment has. */
export interface PlatformResources {
  readonly keyArn: string;
  readonly leaseTableArn: string;
  readonly approvalTableArn: string;
  readonly idempotencyTableArn: string;
  readonly auditTableArn: string;
  readonly evidenceSigningKeyArn: string;
  /** The evidence bucket's ARN. */
  readonly evidenceBucketArn: string;
  readonly escalationTopicArn: string;
  readonly approvalTopicArn: string;
  readonly stateMachineArns: readonly string[];
  readonly executionArns: readonly string[];
  readonly slackCredentialsArn: string;
  readonly slackWorkerArns: readonly string[];
  readonly rotationFunctionArn?: string;
}

/** What the configuration says the runbooks act on. */
export interface ConfiguredTargets {
  /** Default: every function of the account and region. */
  readonly targetFunctionArns?: readonly string[];
  /** Default: every queue of the account and region, consumers among the target functions. */
  readonly deadLetterQueues?: readonly DeadLetterQueueSetting[];
  readonly rotatedSecrets: readonly RotatedSecret[];
  readonly credentialAdapterArn?: string;
}

const withVersions = (arns: readonly string[]) => arns.flatMap((arn) => [arn, `${arn}:*`]);

/**
 * Every kind of resource, as ARNs of this deployment: the platform's own resources, and what the
 * configuration lets the runbooks act on. Functions come with their versions and aliases; a DLQ
 * with its source and its quarantine queue; the platform's tables and topics with its key.
 */
export function deploymentScope(
  stack: Stack,
  platform: PlatformResources,
  targets: ConfiguredTargets,
): DeploymentScope {
  const arn = (service: string, resource: string) =>
    `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const platformKey = (service: KeyUse['service']): readonly KeyUse[] => [
    { keyArn: platform.keyArn, service },
  ];
  const targetFunctions = withVersions(targets.targetFunctionArns ?? [arn('lambda', 'function:*')]);
  const queues = targets.deadLetterQueues;
  const only = (arns: readonly string[]): KindScope => ({ arns });
  const kinds: Record<ResourceKind, KindScope> = {
    'target-functions': only(targetFunctions),
    'target-event-source-mappings': {
      arns: [arn('lambda', 'event-source-mapping:*')],
      conditions: { ArnLike: { 'lambda:FunctionArn': targetFunctions } },
    },
    'account-functions': only([arn('lambda', 'function:*')]),
    'replay-queues': queues
      ? {
          arns: [...new Set(queues.flatMap((q) => [q.dlq, q.source, quarantineArnOf(q.dlq)]))],
          keys: [...new Set(queues.flatMap((q) => (q.kmsKeyArn ? [q.kmsKeyArn] : [])))].map((keyArn) => ({
            keyArn,
            service: 'sqs' as const,
          })),
        }
      : only([arn('sqs', '*')]),
    'replay-consumers': only(
      queues ? withVersions([...new Set(queues.map((q) => q.consumer))]) : targetFunctions,
    ),
    'rotated-secrets': {
      arns: targets.rotatedSecrets.map((s) => s.secretArn),
      keys: [...new Set(targets.rotatedSecrets.flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : [])))].map(
        (keyArn) => ({ keyArn, service: 'secretsmanager' as const }),
      ),
    },
    'rotation-admin-secrets': only([
      ...new Set(targets.rotatedSecrets.flatMap((s) => (s.masterSecretArn ? [s.masterSecretArn] : []))),
    ]),
    'rotation-function': only(platform.rotationFunctionArn ? [platform.rotationFunctionArn] : []),
    'credential-adapter': only(targets.credentialAdapterArn ? [targets.credentialAdapterArn] : []),
    'rotation-consumers': only(
      targets.rotatedSecrets.flatMap((s) => s.consumers.map((c) => arn('lambda', `function:${c}`))),
    ),
    alarms: only([arn('cloudwatch', 'alarm:*')]),
    'test-event-schemas': only([arn('schemas', `schema/${testEventRegistry}/*`)]),
    'rest-apis': only([
      `arn:${stack.partition}:apigateway:${stack.region}::/restapis`,
      `arn:${stack.partition}:apigateway:${stack.region}::/restapis/*/resources`,
    ]),
    'lease-table': { arns: [platform.leaseTableArn], keys: platformKey('dynamodb') },
    'approval-table': { arns: [platform.approvalTableArn], keys: platformKey('dynamodb') },
    'idempotency-table': { arns: [platform.idempotencyTableArn], keys: platformKey('dynamodb') },
    'audit-table': { arns: [platform.auditTableArn], keys: platformKey('dynamodb') },
    'evidence-signing-key': only([platform.evidenceSigningKeyArn]),
    'evidence-records': { arns: [`${platform.evidenceBucketArn}/records/*`], keys: platformKey('s3') },
    'evidence-manifests': { arns: [`${platform.evidenceBucketArn}/manifests/*`], keys: platformKey('s3') },
    'escalation-topic': { arns: [platform.escalationTopicArn], keys: platformKey('sns') },
    'approval-topic': { arns: [platform.approvalTopicArn], keys: platformKey('sns') },
    'state-machines': only(platform.stateMachineArns),
    executions: only(platform.executionArns),
    'slack-credentials': { arns: [platform.slackCredentialsArn], keys: platformKey('secretsmanager') },
    'slack-workers': only(platform.slackWorkerArns),
    // By name: the dispatcher's policy cannot refer to the function's own ARN attribute.
    dispatcher: only([arn('lambda', `function:${stack.stackName}-dispatcher`)]),
    any: only(['*']),
  };
  return { region: stack.region, kinds, platformFunctions: arn('lambda', `function:${stack.stackName}-*`) };
}
