import type { ClientName } from '../handlers/lib/aws-clients.js';
import { spokeRoleUnavailable, workloadServices } from '../handlers/lib/spoke-clients.js';
import type { StepDeps } from '../handlers/lib/step-deps.js';
import type { BusEvent, EventPattern } from './account/event-bus.js';
import { type Denial, denialMessage } from './account/iam/access-denied.js';
import type { Caller } from './account/iam/account-iam.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import type { SimulatedOrganization } from './account/simulated-organization.js';
import type { DeployedPlatform, DeployedRole, DeployedRule } from './iam/deployed-platform.js';

/** What a step asks STS for: the role, the session's name and the source identity it carries. */
export interface SpokeSessionRequest {
  readonly RoleArn: string;
  readonly RoleSessionName: string;
  readonly SourceIdentity: string;
}

/**
 * The spoke stack as a StackSet deploys it into a workload account: its execution role (its trust
 * policy is the role's resource policy, which STS evaluates with the caller's own policies), and
 * its rules forwarding the account's incident events to the hub's bus as their delivery role,
 * which the hub's bus policy must let in; what it may not deliver goes to the spoke's
 * dead-letter queue.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export class InstalledSpoke {
  readonly executionRole: DeployedRole & { readonly name: string };

  /** Events the rules matched, waiting for EventBridge to put them on the hub's bus. */
  private readonly outbox: { readonly event: BusEvent; readonly rule: DeployedRule }[] = [];

  constructor(
    readonly account: SimulatedAccount,
    readonly deployment: DeployedPlatform,
    private readonly organization: SimulatedOrganization,
    private readonly onUndelivered: (what: string) => void,
  ) {
    const execution = [...deployment.roleDetails].find(([name]) => name.endsWith('-spoke'));
    if (!execution) throw new Error(`the spoke stack ${deployment.stackName} has no execution role`);
    const [name, role] = execution;
    this.executionRole = { name, ...role };
    account.iam.setResourcePolicy(role.arn, role.trustPolicy);
    for (const queue of deployment.queues) account.sqs.createQueue({ QueueName: queue.name });
    for (const rule of deployment.rules) {
      account.bus.addRule(rule.pattern as EventPattern, (event) => this.outbox.push({ event, rule }));
    }
  }

  /**
   * Delivers what the rules matched: each event is put on the hub's bus as the rule's role, when
   * the role's policy and the hub's bus policy allow it (its account kept, as it left); otherwise
   * it goes to the spoke's dead-letter queue and is reported.
   */
  async deliver(): Promise<void> {
    for (let next = this.outbox.shift(); next; next = this.outbox.shift()) {
      for (const target of next.rule.targets) {
        const [, , , , busAccount = ''] = target.arn.split(':');
        const hub = this.organization.account(busAccount);
        const denial = hub
          ? await hub.iam.authorize(this.forwarderOf(target.roleArn), [this.putEvents(target.arn)])
          : undefined;
        if (hub && !denial) {
          hub.eventBus(target.arn.split('/').pop()).put(next.event);
          continue;
        }
        const why = denial ? denialMessage(denial) : `account ${busAccount} is not in the organization`;
        const reason = `${next.rule.arn} could not forward an event to ${target.arn}: ${why}`;
        const dlq = this.deployment.queues.find((q) => q.arn === target.deadLetterArn);
        if (dlq) this.account.sqs.sendMessage({ QueueUrl: dlq.url, MessageBody: JSON.stringify(next.event) });
        this.onUndelivered(dlq ? `${reason}; sent to its dead-letter queue` : reason);
      }
    }
  }

  /** The session EventBridge delivers as: the rule's role. */
  private forwarderOf(roleArn: string | undefined): Caller {
    const roleName = roleArn?.split('/').pop() ?? '';
    return {
      principal: `arn:aws:sts::${this.account.identity.accountId}:assumed-role/${roleName}/events`,
      policies: this.deployment.roles.get(roleName) ?? [],
      ...(roleArn ? { roleArn } : {}),
    };
  }

  private putEvents(busArn: string) {
    const { accountId } = this.account.identity;
    return {
      action: 'events:PutEvents',
      resource: busArn,
      context: {
        'aws:PrincipalAccount': accountId,
        ...this.orgOf(accountId, 'aws:PrincipalOrgID'),
        ...(this.organization.account(accountId)
          ? { 'aws:PrincipalOrgPaths': this.organization.orgPathsOf(accountId) }
          : {}),
      },
    };
  }

  /**
   * A role session of the execution role, as a hub step gets it from STS: every call it makes
   * here is authorized against the role's policies and carries the source identity.
   */
  sessionOf(request: SpokeSessionRequest): Caller {
    const { accountId } = this.account.identity;
    return {
      principal: `arn:aws:sts::${accountId}:assumed-role/${this.executionRole.name}/${request.RoleSessionName}`,
      policies: this.deployment.roles.get(this.executionRole.name) ?? [],
      roleArn: this.executionRole.arn,
      sourceIdentity: request.SourceIdentity,
    };
  }

  /**
   * What STS decides on `caller` assuming the role with a source identity: `sts:AssumeRole` and
   * `sts:SetSourceIdentity`, each allowed by the caller's policies and the trust policy alike, as
   * a cross-account request is; undefined when it may.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
   */
  async assume(caller: Caller, request: SpokeSessionRequest): Promise<Denial | undefined> {
    if (request.RoleArn !== this.executionRole.arn) {
      return {
        principal: caller.principal,
        action: 'sts:AssumeRole',
        resource: request.RoleArn,
        kind: 'implicit',
        policy: 'resource-based',
      };
    }
    const callerAccount = caller.principal.split(':')[4] ?? '';
    const context = {
      ...(caller.roleArn ? { 'aws:PrincipalArn': caller.roleArn } : {}),
      'aws:PrincipalAccount': callerAccount,
      ...this.orgOf(callerAccount, 'aws:PrincipalOrgID'),
      ...this.orgOf(this.account.identity.accountId, 'aws:ResourceOrgID'),
      'sts:SourceIdentity': request.SourceIdentity,
      'sts:RoleSessionName': request.RoleSessionName,
    };
    return this.account.iam.authorize(caller, [
      { action: 'sts:AssumeRole', resource: request.RoleArn, context },
      { action: 'sts:SetSourceIdentity', resource: request.RoleArn, context },
    ]);
  }

  /** The organization's id under `key`, when the account is one of its members. */
  private orgOf(accountId: string, key: string): Record<string, string> {
    return this.organization.account(accountId) ? { [key]: this.organization.id } : {};
  }

  /**
   * A hub step's deps acting here, as `clientsActingIn` makes them in Lambda: the workload
   * services' calls go to this account as the execution role's session, assumed on the first of
   * them (a refusal: `SpokeRoleUnavailableError`, nothing done); the platform's own stay the hub's.
   */
  actingFor(deps: StepDeps, caller: Caller, request: SpokeSessionRequest): StepDeps {
    let assumed: Promise<void> | undefined;
    const assume = () => {
      assumed ??= this.assume(caller, request).then((denial) => {
        if (denial)
          throw spokeRoleUnavailable(
            this.account.identity.accountId,
            `${request.RoleArn} could not be assumed (${denialMessage(denial)})`,
          );
      });
      return assumed;
    };
    const here = this.account.clients(this.sessionOf(request), assume);
    const clients = Object.fromEntries(
      Object.keys(deps.clients).map((name) => [
        name,
        workloadServices.has(name as ClientName)
          ? here[name as ClientName]
          : deps.clients[name as ClientName],
      ]),
    ) as unknown as StepDeps['clients'];
    return { ...deps, clients };
  }
}
