import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { type HubIdentity, unitBusName } from '../handlers/lib/spoke-role.js';
import type { Runbook } from '../runbooks/runbook.js';
import type { Dispatcher } from './dispatcher.js';
import { forwardedPatterns } from './forwarded-patterns.js';

export interface OrganizationalUnitBusProps {
  readonly hub: HubIdentity;
  readonly organizationalUnitId: string;
  readonly runbooks: readonly Runbook[];
  readonly dispatcher: Dispatcher;
}

/**
 * The hub's event bus for one organizational unit: only principals of the unit's accounts may put
 * events on it (`aws:PrincipalOrgPaths`, nested OUs included), and its rules hand each event to
 * the dispatcher wrapped with the unit, so the dispatcher knows whose account it is without
 * access to AWS Organizations. The unit's spoke stack forwards here.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 */
export class OrganizationalUnitBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: OrganizationalUnitBusProps) {
    super(scope, id);
    const { hub, organizationalUnitId: ou } = props;
    this.bus = new EventBus(this, 'Bus', { eventBusName: unitBusName(hub, ou) });
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'UnitAccountsMayForward',
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: {
          StringEquals: { 'aws:PrincipalOrgID': hub.organizationId },
          'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${hub.organizationId}/*/${ou}/*`] },
        },
      }),
    );
    for (const { name, pattern } of forwardedPatterns(props.runbooks)) {
      new Rule(this, `Dispatch-${name}`, {
        eventBus: this.bus,
        description: `Sends ${pattern['detail-type'].join(', ')} of ${ou}'s accounts to the dispatcher`,
        eventPattern: {
          source: [...pattern.source],
          detailType: [...pattern['detail-type']],
          ...(pattern.detail ? { detail: pattern.detail } : {}),
        },
        targets: [
          props.dispatcher.asTarget(
            RuleTargetInput.fromObject({ organizationalUnit: ou, event: EventField.fromPath('$') }),
          ),
        ],
      });
    }
  }
}
