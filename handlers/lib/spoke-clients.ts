import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { ActingIn } from './acting-in.js';
import {
  type AwsClients,
  type ClientClasses,
  type ClientName,
  type CredentialsProvider,
  lazyClients,
} from './aws-clients.js';
import { SpokeRoleUnavailableError } from './errors.js';
import { spokeRoleArn } from './spoke-role.js';

/**
 * The services whose calls act on workload resources (functions, queues, alarms, APIs): in another
 * account they go through the spoke role there. The platform's own tables, topics and state
 * machines (DynamoDB, SNS, Step Functions) and the secrets it rotates stay the hub's.
 */
export const workloadServices: ReadonlySet<ClientName> = new Set<ClientName>([
  'lambda',
  'cloudwatch',
  'apiGateway',
  'sqs',
  'schemas',
]);

/** Nothing was done in `account`: its spoke role could not be assumed, for the reason given. */
export function spokeRoleUnavailable(
  account: string,
  why: string,
  cause?: unknown,
): SpokeRoleUnavailableError {
  return new SpokeRoleUnavailableError(
    `cannot act in account ${account}: ${why}; deploy the spoke stack to account ${account}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The platform function's own account, region and partition, from its ARN. */
export interface OwnFunction {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

export function ownFunctionOf(invokedFunctionArn: string): OwnFunction {
  const [, partition = 'aws', , region = '', account = ''] = invokedFunctionArn.split(':');
  return { partition, account, region };
}

/**
 * A source identity as STS takes it (2 to 64 of letters, digits and `_+=,.@-`): the person or
 * service that asked, other characters made dots, the end kept when longer (an IAM ARN's session).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function sourceIdentityOf(requestedBy: string): string {
  const allowed = requestedBy.replace(/[^\w+=,.@-]/g, '.');
  return (allowed.length > 64 ? allowed.slice(-64) : allowed).padEnd(2, '.');
}

/** What a step asks STS for to act in the target's account. */
export function spokeSession(actingIn: ActingIn, own: OwnFunction, stackName: string) {
  return {
    RoleArn: spokeRoleArn(own.partition, actingIn.account, { stackName }),
    // Execution names are letters, digits, - and _; the session name shows in the target's CloudTrail.
    RoleSessionName: actingIn.execution.slice(0, 64).padEnd(2, '-'),
    SourceIdentity: sourceIdentityOf(actingIn.requestedBy),
    DurationSeconds: 900,
  };
}

/**
 * The clients a step acts with: its own where the run acts in the platform's account; otherwise
 * the workload services' clients in the target's region with the spoke role's credentials there
 * (assumed on first use, refreshed by the SDK when they expire), the others its own.
 */
export function clientsActingIn<K extends ClientName>(
  classes: ClientClasses<K>,
  own: Pick<AwsClients, K>,
  actingIn: ActingIn | undefined,
  ownFunction: OwnFunction,
  stackName: () => string,
): Pick<AwsClients, K> {
  if (!actingIn || actingIn.account === ownFunction.account) return own;
  const params = spokeSession(actingIn, ownFunction, stackName());
  // A static import: imported on first use, the whole package would be bundled, not this provider.
  const assumed = fromTemporaryCredentials({ params, clientConfig: { region: ownFunction.region } });
  // STS refusing (no spoke stack there, or a trust that does not name this hub) says what to do;
  // throttling and server errors stay as they are, for the Task's retries.
  const credentials: CredentialsProvider = async () => {
    try {
      return await assumed();
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'AccessDenied' && name !== 'AccessDeniedException') throw error;
      throw spokeRoleUnavailable(
        actingIn.account,
        `${params.RoleArn} could not be assumed (${(error as Error).message})`,
        error,
      );
    }
  };
  const spoke = lazyClients(classes, { region: actingIn.region, credentials });
  const clients = {} as Pick<AwsClients, K>;
  for (const name of Object.keys(classes) as K[]) {
    Object.defineProperty(clients, name, {
      enumerable: true,
      get: () => (workloadServices.has(name) ? spoke[name] : own[name]),
    });
  }
  return clients;
}
