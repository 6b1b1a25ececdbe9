import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ClientClasses, ClientConfig, ClientName } from './aws-clients.js';
import { lambdaEntry } from './lambda-entry.js';
import type { StepCore } from './step-deps.js';

/**
 * The kinds of resource platform functions act on. A declaration names kinds, never ARNs: the CDK
 * app turns each kind into the ARNs of its configuration (and the keys that encrypt them), so one
 * declaration serves every deployment.
 */
export type ResourceKind =
  /** The functions runbooks may act on (`runbooks:targetFunctionArns`), with their versions and aliases. */
  | 'target-functions'
  /** Event source mappings; granted only for mappings that invoke a target function. */
  | 'target-event-source-mappings'
  /** Every function of the account, for reading only (evidence about the account's concurrency). */
  | 'account-functions'
  /** The queues the DLQ replay acts on: each configured DLQ, its source and its quarantine queue. */
  | 'replay-queues'
  /** The functions consuming the configured DLQs' source queues. */
  | 'replay-consumers'
  /** The secrets the platform rotates. */
  | 'rotated-secrets'
  /** The admin secrets alternating-users rotations log in with. */
  | 'rotation-admin-secrets'
  /** The platform's own rotation function. */
  | 'rotation-function'
  /** The function that sets and tests credentials in the target system. */
  | 'credential-adapter'
  /** The rotated secrets' consumers' health-check aliases. */
  | 'rotation-consumers'
  /** The account's CloudWatch alarms. */
  | 'alarms'
  /** The Lambda console's shareable test events (EventBridge Schemas registry `lambda-testevent-schemas`). */
  | 'test-event-schemas'
  /** API Gateway REST APIs and their resources (read to find the alias behind an API). */
  | 'rest-apis'
  | 'lease-table'
  | 'approval-table'
  | 'idempotency-table'
  /** Every change runs make, by execution (their evidence records are built from it). */
  | 'audit-table'
  /** The asymmetric key evidence records are signed with. */
  | 'evidence-signing-key'
  /** The evidence records in the write-once evidence bucket. */
  | 'evidence-records'
  /** The daily completeness manifests beside them. */
  | 'evidence-manifests'
  | 'escalation-topic'
  | 'approval-topic'
  /** The runbooks' state machines. */
  | 'state-machines'
  /** The runbooks' executions. */
  | 'executions'
  /** The Slack app's credentials secret. */
  | 'slack-credentials'
  /** The Slack workers the endpoint hands requests to. */
  | 'slack-workers'
  /** The dispatcher itself (it hands the rest of a long notice to a later invocation). */
  | 'dispatcher'
  /** Actions that have no resource-level permissions: granted on `*`. */
  | 'any';

/** Some actions on one kind of resource. */
export interface Permission {
  readonly actions: readonly string[];
  readonly on: ResourceKind;
}

/**
 * What the platform deploys one Lambda function from: the module exporting its `handler`, the AWS
 * clients it builds, and every permission its code needs, declared next to the clients. The CDK app
 * derives the function's whole identity policy (and key grants) from this and nothing else.
 */
export interface FunctionDeclaration {
  /** Kebab-case, unique among the platform's functions. */
  readonly name: string;
  /** `import.meta.url` of the module exporting `handler`. */
  readonly module: string;
  readonly clients: Readonly<Record<string, unknown>>;
  readonly permissions: readonly Permission[];
}

/** Declares a platform function that is not a runbook step (the dispatcher, Slack's functions). */
export function defineFunction<const D extends FunctionDeclaration>(declaration: D): D {
  return declaration;
}

/** A step that changes something records each change in the audit table. */
export const auditPermission: Permission = { actions: ['dynamodb:PutItem'], on: 'audit-table' };

/** Idempotency read and write the Powertools records in the idempotency table. */
export const idempotencyPermission: Permission = {
  actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  on: 'idempotency-table',
};

export interface StepOptions<N extends string, I, O, K extends ClientName> {
  readonly name: N;
  readonly module: string;
  readonly clients: ClientClasses<K>;
  readonly core: StepCore<I, O, K>;
  readonly permissions: readonly Permission[];
  /**
   * Whether the core is made idempotent with Powertools (`idempotentStep`): the function then also
   * reads and writes the idempotency table. Default: false.
   */
  readonly idempotent?: boolean;
  /**
   * For a core that records changes (`deps.audit`): the DynamoDB client class its Lambda entry
   * writes them to the audit table with (which the run's evidence record is built from), so only
   * the steps that audit bundle it. Default: none (changes are logged only).
   */
  readonly audits?: new (
    config: ClientConfig,
  ) => DynamoDBClient;
}

/** A runbook step: a function declaration with its core, which Lambda and the simulator both run. */
export interface StepDeclaration<
  N extends string = string,
  I = never,
  O = unknown,
  K extends ClientName = ClientName,
> extends FunctionDeclaration {
  readonly name: N;
  readonly clients: ClientClasses<K>;
  readonly core: StepCore<I, O, K>;
  readonly idempotent: boolean;
  readonly audits: boolean;
  /** The Lambda entry built from the core. */
  readonly handler: ReturnType<typeof lambdaEntry<I, O, K>>;
}

/** Declares a step; its module exports the result's `handler` for Lambda. */
export function defineStep<const N extends string, I, O, K extends ClientName>(
  options: StepOptions<N, I, O, K>,
): StepDeclaration<N, I, O, K> {
  const idempotent = options.idempotent ?? false;
  const audits = options.audits !== undefined;
  return {
    name: options.name,
    module: options.module,
    clients: options.clients,
    core: options.core,
    idempotent,
    audits,
    permissions: [
      ...options.permissions,
      ...(idempotent ? [idempotencyPermission] : []),
      ...(audits ? [auditPermission] : []),
    ],
    handler: lambdaEntry(options.core, options.clients, options.audits ? { audits: options.audits } : {}),
  };
}
