import { BootstraplessSynthesizer, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountPrincipal,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Permission, ResourceKind } from '../handlers/lib/define-step.js';
import {
  actsInWorkloadAccounts,
  type HubIdentity,
  spokeKinds,
  spokeRoleName,
  stepRolePath,
  unitBusName,
} from '../handlers/lib/spoke-role.js';
import { testEventRegistry } from '../handlers/runtime-upgrade/contract.js';
import { stepsOf } from '../handlers/step-catalogue.js';
import type { Runbook } from '../runbooks/runbook.js';
import { forwardedPatterns } from './forwarded-patterns.js';
import { type GrantScope, statementsFor } from './function-grants.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';

/** One permission per kind, with every action the runbooks' steps need on it. */
function spokePermissions(runbooks: readonly Runbook[]): Permission[] {
  const actions = new Map<ResourceKind, Set<string>>();
  for (const step of stepsOf(runbooks).filter(actsInWorkloadAccounts)) {
    for (const permission of step.permissions) {
      if (!spokeKinds.has(permission.on)) continue;
      const known = actions.get(permission.on) ?? new Set<string>();
      for (const action of permission.actions) known.add(action);
      actions.set(permission.on, known);
    }
  }
  return [...actions].map(([on, set]) => ({ on, actions: [...set].sort() }));
}

export interface SpokeStackProps extends StackProps {
  /** The hub that acts in this account. */
  readonly hub: HubIdentity;
  /** The runbooks the hub deploys: the spoke role carries what their steps need, nothing more. */
  readonly runbooks: readonly Runbook[];
  /**
   * The organizational unit this spoke is for: it forwards to the hub's bus of that unit, which
   * tells the hub the account is the unit's.
   * @default accounts listed by id: the hub's default bus
   */
  readonly organizationalUnitId?: string;
}

/**
 * What a workload account holds so that the hub can run runbooks in it: rules forwarding the
 * events the dispatcher reacts to onto the hub's default event bus, and the role the hub's steps
 * assume to act here. One template for every account (no account or asset in it), deployed to
 * whole OUs with a service-managed StackSet.
 */
export class SpokeStack extends Stack {
  readonly executionRole: Role;
  /** The organizational unit it is for; undefined for the accounts listed by id. */
  readonly organizationalUnitId: string | undefined;

  constructor(scope: Construct, id: string, props: SpokeStackProps) {
    // No bootstrap resources in the accounts a StackSet reaches: the template has no assets.
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer() });
    const { hub } = props;
    this.organizationalUnitId = props.organizationalUnitId;
    const hubBus = EventBus.fromEventBusArn(
      this,
      'HubBus',
      `arn:${this.partition}:events:${hub.region}:${hub.accountId}:event-bus/${props.organizationalUnitId ? unitBusName(hub, props.organizationalUnitId) : 'default'}`,
    );
    // Sending to another account's bus takes a role of the sending account, and the hub's bus
    // policy lets the organization's accounts put events on it.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
    const forwarder = new Role(this, 'ForwardToHub', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      // IAM takes Latin-1 only in descriptions: no typographic apostrophes.
      description: "Lets EventBridge put this account's incident events on the runbook hub's bus",
    });
    forwarder.addToPolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [hubBus.eventBusArn] }),
    );
    const undelivered = new Queue(this, 'Undelivered', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    nagAcknowledgements.deadLetterQueue(undelivered);
    for (const { name, pattern } of forwardedPatterns(props.runbooks)) {
      new Rule(this, `Forward-${name}`, {
        description: `Forwards ${pattern['detail-type'].join(', ')} to the runbook hub ${hub.accountId}`,
        eventPattern: {
          source: [...pattern.source],
          detailType: [...pattern['detail-type']],
          ...(pattern.detail ? { detail: pattern.detail } : {}),
        },
        targets: [new EventBusTarget(hubBus, { role: forwarder, deadLetterQueue: undelivered })],
      });
    }

    // Only the hub's step roles (by their path) within the organization may act here, and only
    // naming who they act for: the source identity stays on every call in this account's CloudTrail.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
    const hubSteps = {
      ArnLike: {
        'aws:PrincipalArn': `arn:${this.partition}:iam::${hub.accountId}:role${stepRolePath(hub)}*`,
      },
      StringEquals: { 'aws:PrincipalOrgID': hub.organizationId },
    };
    this.executionRole = new Role(this, 'ExecutionRole', {
      roleName: spokeRoleName(hub),
      description: `Assumed by the runbook hub ${hub.accountId}'s steps to act in this account`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new AccountPrincipal(hub.accountId).withConditions({
        ...hubSteps,
        Null: { 'sts:SourceIdentity': 'false' },
      }),
    });
    this.executionRole.assumeRolePolicy?.addStatements(
      new PolicyStatement({
        actions: ['sts:SetSourceIdentity'],
        principals: [new AccountPrincipal(hub.accountId)],
        conditions: hubSteps,
      }),
    );
    const statements = statementsFor(spokePermissions(props.runbooks), spokeScope(this, hub));
    // A managed policy: the role's inline policies share one 10,240-character quota.
    const policy = new ManagedPolicy(this, 'ExecutionPolicy', {
      description: "What the runbooks' steps do in this account",
      statements,
      roles: [this.executionRole],
    });
    nagAcknowledgements.spokeRole(policy, statements);
    new CfnOutput(this, 'ExecutionRoleArn', {
      description: 'The role the hub’s steps assume in this account',
      value: this.executionRole.roleArn,
    });
  }
}

/** The spoke's resources by kind: every function, queue, alarm and API of its account and region. */
function spokeScope(stack: Stack, hub: HubIdentity): GrantScope {
  const arn = (service: string, resource: string) =>
    `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  // `*` matches across `:`: versions and aliases too.
  const functions = [arn('lambda', 'function:*')];
  return {
    region: stack.region,
    kinds: {
      'target-functions': { arns: functions },
      'target-event-source-mappings': { arns: [arn('lambda', 'event-source-mapping:*')] },
      'account-functions': { arns: functions },
      'replay-queues': { arns: [arn('sqs', '*')] },
      'replay-consumers': { arns: functions },
      alarms: { arns: [arn('cloudwatch', 'alarm:*')] },
      'test-event-schemas': { arns: [arn('schemas', `schema/${testEventRegistry}/*`)] },
      'rest-apis': {
        arns: [
          `arn:${stack.partition}:apigateway:${stack.region}::/restapis`,
          `arn:${stack.partition}:apigateway:${stack.region}::/restapis/*/resources`,
        ],
      },
      any: { arns: ['*'] },
    },
    // No platform function runs here, but another deployment of the same hub's stack might.
    platformFunctions: arn('lambda', `function:${hub.stackName}-*`),
  };
}
