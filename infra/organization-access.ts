import { Stack } from 'aws-cdk-lib';
import { CfnEventBusPolicy } from 'aws-cdk-lib/aws-events';
import { type CfnRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { RegisteredAccount } from '../handlers/lib/organization.js';
import { type HubIdentity, spokeRoleArn, stepRolePath } from '../handlers/lib/spoke-role.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import type { PlatformFunction } from './platform-function.js';

export interface OrganizationAccessProps {
  readonly hub: HubIdentity;
  readonly accounts: readonly RegisteredAccount[];
  /** The steps that act in workload accounts (through the spoke role there). */
  readonly workloadSteps: readonly PlatformFunction[];
}

/**
 * The hub's half of the hub-and-spoke trust: the organization's accounts may put events on the
 * hub's default bus (their spokes forward incidents), and the steps that act in workload accounts
 * get roles under the path spokes trust and may assume the spoke role of a registered account,
 * naming who they act for (`sts:SetSourceIdentity`).
 */
export class OrganizationAccess extends Construct {
  constructor(scope: Construct, id: string, props: OrganizationAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { hub } = props;
    new CfnEventBusPolicy(this, 'SpokesMayForward', {
      statementId: `${hub.stackName}-spokes`.slice(0, 64),
      eventBusName: 'default',
      statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: `arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': hub.organizationId } },
      },
    });
    const accountIds = props.accounts.flatMap((a) => ('accountId' in a ? [a.accountId] : []));
    const byOu = props.accounts.some((a) => 'organizationalUnitId' in a);
    // Accounts named: their spoke roles exactly. An OU's accounts are not known at synth: any
    // account's spoke role, within the organization (the dispatcher still refuses unregistered ones).
    const assume = byOu
      ? new PolicyStatement({
          actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          resources: [spokeRoleArn(stack.partition, '*', hub)],
          conditions: { StringEquals: { 'aws:ResourceOrgID': hub.organizationId } },
        })
      : new PolicyStatement({
          actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          resources: accountIds.map((account) => spokeRoleArn(stack.partition, account, hub)),
        });
    for (const step of props.workloadSteps) {
      const stepRole = step.function.role;
      if (!stepRole) throw new Error(`step ${step.node.id} has no role`);
      (stepRole.node.defaultChild as CfnRole).path = stepRolePath(hub);
      stepRole.addToPrincipalPolicy(assume);
      nagAcknowledgements.spokeAssumption(step, assume);
    }
  }
}
