import type { DispatcherClients, DispatcherConfig } from '../handlers/dispatcher/dispatcher-config.js';
import type { AuditTrail } from '../handlers/lib/audit-trail.js';
import type { AwsClients, ClientName } from '../handlers/lib/aws-clients.js';
import type { PlatformMetrics } from '../handlers/lib/platform-metrics.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { EnvironmentPolicy } from './access-policy.js';
import type { ChatApi } from './chat.js';

/**
 * What the Slack side of the platform acts on: AWS, Slack, and who may do what. `K` names the AWS
 * clients a function uses: starts and approval answers use the dispatcher's, posting uses DynamoDB.
 */
export interface SlackDeps<K extends ClientName = keyof DispatcherClients> {
  readonly clients: Pick<AwsClients, K>;
  readonly now: () => Date;
  readonly environment: Environment;
  /** Who may do what in the deployment's environment (starts, resuming automation). */
  readonly policy: EnvironmentPolicy;
  /** Who may decide in an environment: an approval follows its run's account's environment. */
  readonly policyOf: (environment: Environment) => EnvironmentPolicy;
  readonly chat: ChatApi;
  readonly audit: AuditTrail;
  readonly metrics: PlatformMetrics;
  /** DynamoDB table of approval requests. */
  readonly approvalTable: string;
  /** The deployed runbooks and lease table, as the dispatcher knows them. */
  readonly dispatcher: DispatcherConfig;
}

/** What posting an approval request needs. */
export type NotifierDeps = Pick<
  SlackDeps<'dynamodb'>,
  'clients' | 'environment' | 'policyOf' | 'chat' | 'approvalTable'
>;
