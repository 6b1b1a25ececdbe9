import type { AuditTrail } from './audit-trail.js';
import type { AwsClients, ClientName } from './aws-clients.js';

/** Deployment environments; approval policy differs between them. */
export const environments = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof environments)[number];

/** Where steps send what people must see. */
export interface NotificationTopics {
  /** SNS topic ARN for escalations to on-call. */
  readonly escalation: string;
  /** SNS topic ARN for approval requests. */
  readonly approvals: string;
}

/**
 * What every step core receives besides its input: the world it acts on. `K` names the AWS clients
 * the step uses; its Lambda entry builds exactly those.
 */
export interface StepDeps<K extends ClientName = ClientName> {
  readonly clients: Pick<AwsClients, K>;
  /** Current time; a virtual clock in game days, the system clock in Lambda. */
  readonly now: () => Date;
  readonly audit: AuditTrail;
  readonly environment: Environment;
  readonly topics: NotificationTopics;
  /** DynamoDB table of target leases and cool-downs. */
  readonly leaseTable: string;
  /** DynamoDB table of idempotency records of steps with side effects. */
  readonly idempotencyTable: string;
  /** DynamoDB table of approval requests and their answers. */
  readonly approvalTable: string;
  /**
   * Milliseconds the current invocation has left (Lambda's `getRemainingTimeInMillis`), so an
   * idempotency record of an invocation that times out expires with it and a retry can act.
   */
  readonly remainingTimeMs: () => number;
  /** Waits; virtual time in game days, real time in Lambda. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** A step's pure core: typed input and the AWS clients it names in, typed output out. */
export type StepCore<I, O, K extends ClientName = never> = (input: I, deps: StepDeps<K>) => Promise<O>;
