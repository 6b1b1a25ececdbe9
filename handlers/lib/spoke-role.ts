import type { Permission, ResourceKind } from './define-step.js';

/** The hub a spoke trusts: where the platform runs, and the organization it serves. */
export interface HubIdentity {
  readonly accountId: string;
  readonly region: string;
  readonly organizationId: string;
  /** The platform stack's name (`LambdaRunbooks-<environment>`): several hubs may share a spoke. */
  readonly stackName: string;
}

/** The role a hub's steps assume in a workload account (IAM role names: at most 64 characters). */
export function spokeRoleName(hub: Pick<HubIdentity, 'stackName'>): string {
  return `${hub.stackName}-spoke`.slice(0, 64);
}

/** The spoke role's ARN in one account (`*`: any account, for a grant). */
export function spokeRoleArn(
  partition: string,
  account: string,
  hub: Pick<HubIdentity, 'stackName'>,
): string {
  return `arn:${partition}:iam::${account}:role/${spokeRoleName(hub)}`;
}

/**
 * The hub's event bus for the accounts of one organizational unit: only they may put events on
 * it, so what arrives there is theirs (names: letters, digits, `.`, `-`, `_`, at most 256).
 */
export function unitBusName(hub: Pick<HubIdentity, 'stackName'>, organizationalUnitId: string): string {
  return `${hub.stackName}-${organizationalUnitId}`;
}

/**
 * The IAM path of the hub's step roles. A spoke trusts the roles under it, so the hub's other
 * roles (the dispatcher's, Slack's) cannot act in workload accounts, and a new step's role is
 * trusted without redeploying every spoke.
 */
export function stepRolePath(hub: Pick<HubIdentity, 'stackName'>): string {
  return `/lambda-runbooks/${hub.stackName}/steps/`;
}

/**
 * The kinds of resource a step acts on in a workload account: through the spoke role there. The
 * platform's own (tables, topics, state machines, Slack) stay in the hub; so do secret rotations,
 * whose rotation function the hub deploys (a spoke's secrets are not rotated yet).
 */
export const spokeKinds: ReadonlySet<ResourceKind> = new Set<ResourceKind>([
  'target-functions',
  'target-event-source-mappings',
  'account-functions',
  'replay-queues',
  'replay-consumers',
  'alarms',
  'test-event-schemas',
  'rest-apis',
  'any',
]);

/**
 * Whether a step acts in workload accounts: it names a kind of theirs. (`any` alone says nothing:
 * a rotation's step asks Secrets Manager for a random password on `*`.)
 */
export function actsInWorkloadAccounts(step: { readonly permissions: readonly Permission[] }): boolean {
  return step.permissions.some((p) => p.on !== 'any' && spokeKinds.has(p.on));
}
