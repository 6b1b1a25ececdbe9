import type { AccountIdentity } from '../account-identity.js';
import type { Denial } from './access-denied.js';
import type { AccessRequest } from './access-requests.js';
import {
  loadEvaluator,
  type PolicyDocument,
  type PolicyEvaluator,
  type StatementRef,
} from './policy-evaluator.js';

/** Who makes a call: a function's execution role session and the role's identity policies. */
export interface Caller {
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly principal: string;
  readonly policies: readonly PolicyDocument[];
  /**
   * The role's ARN, path included (what `aws:PrincipalArn` reads in a trust policy).
   * @default unknown: trust policies that name it do not match
   */
  readonly roleArn?: string;
  /**
   * The source identity the session was assumed with (stays on every call it makes).
   * @default none
   */
  readonly sourceIdentity?: string;
}

/** A service acting on its own behalf for a resource of the account (an alarm publishing, a rule delivering). */
export interface ServiceSource {
  /** The service principal, e.g. `cloudwatch.amazonaws.com`. */
  readonly service: string;
  /** The resource the service acts for (`aws:SourceArn`). */
  readonly sourceArn: string;
  /** Its account (`aws:SourceAccount`). */
  readonly sourceAccount: string;
}

/** A request that was allowed, and the caller's identity statements that allowed it (key ones included). */
export interface AllowedRequest {
  readonly principal: string;
  readonly request: AccessRequest;
  readonly allowedBy: readonly StatementRef[];
}

interface Outcome {
  readonly denial?: Denial;
  readonly allowedBy: readonly StatementRef[];
}

/** Where each service of a request sends its KMS calls from (`kms:ViaService`). */
const serviceOfAction = (action: string) => action.split(':')[0] ?? '';

/**
 * IAM of a simulated account: the resource policies and customer-managed keys of its resources,
 * and a decision for every request, made by an IAM policy evaluator we did not write
 * (`@cloud-copilot/iam-simulate`, evaluating AWS's Service Authorization Reference). A request on a
 * resource encrypted with a customer-managed key is also checked for its key actions against the
 * caller's policies and the key policy, with `kms:ViaService` set to the service, as AWS does.
 * Without the evaluator installed (it is a development dependency), nothing is enforced and
 * `enforced` says so.
 */
export class AccountIam {
  private readonly resourcePolicies = new Map<string, PolicyDocument>();
  private readonly keyPolicies = new Map<string, PolicyDocument>();
  private readonly keyOfResource = new Map<string, string>();
  private readonly decisions = new Map<string, Promise<Outcome>>();
  private evaluator: Promise<PolicyEvaluator | null> | undefined;
  /** Every distinct request allowed, with the caller's identity statements that allowed it. */
  readonly allowed: AllowedRequest[] = [];
  /** Every distinct request denied. */
  readonly denied: Denial[] = [];

  constructor(private readonly identity: AccountIdentity) {}

  /** Loads the evaluator; false when it is not installed (nothing is enforced then). */
  async enforced(): Promise<boolean> {
    return (await this.loadedEvaluator()) !== null;
  }

  /** Attaches a resource-based policy (function, topic, queue, secret) to the resource's ARN. */
  setResourcePolicy(resourceArn: string, policy: PolicyDocument): void {
    this.resourcePolicies.set(resourceArn, policy);
    this.decisions.clear();
  }

  resourcePolicyOf(resourceArn: string): PolicyDocument | undefined {
    return this.resourcePolicies.get(resourceArn);
  }

  /** A customer-managed key and its key policy. */
  addKey(keyArn: string, policy: PolicyDocument): void {
    this.keyPolicies.set(keyArn, policy);
    this.decisions.clear();
  }

  /** Records that a resource's data is encrypted with a customer-managed key. */
  encryptWith(resourceArn: string, keyArn: string): void {
    this.keyOfResource.set(resourceArn, keyArn);
  }

  keyOf(resourceArn: string): string | undefined {
    return this.keyOfResource.get(resourceArn);
  }

  /** The first request of a call that IAM denies the caller, or undefined when all are allowed. */
  async authorize(caller: Caller, requests: readonly AccessRequest[]): Promise<Denial | undefined> {
    for (const request of requests) {
      const denial = await this.decide(caller.principal, caller.policies, request);
      if (denial) return denial;
    }
    return undefined;
  }

  /**
   * Whether a service may act on a resource for one of the account's resources (alarm → topic,
   * rule → function): only resource-based policies and key policies can allow a service principal.
   */
  async authorizeService(source: ServiceSource, request: AccessRequest): Promise<Denial | undefined> {
    return this.decide(source.service, [], {
      ...request,
      context: {
        'aws:SourceArn': source.sourceArn,
        'aws:SourceAccount': source.sourceAccount,
        ...request.context,
      },
    });
  }

  private decide(
    principal: string,
    policies: readonly PolicyDocument[],
    request: AccessRequest,
  ): Promise<Denial | undefined> {
    const key = JSON.stringify([principal, request]);
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.evaluate(principal, policies, request).then((outcome) => {
        if (outcome.denial) this.denied.push(outcome.denial);
        else this.allowed.push({ principal, request, allowedBy: outcome.allowedBy });
        return outcome;
      });
      this.decisions.set(key, decision);
    }
    return decision.then(({ denial }) => denial);
  }

  private async evaluate(
    principal: string,
    policies: readonly PolicyDocument[],
    request: AccessRequest,
  ): Promise<Outcome> {
    const evaluator = await this.loadedEvaluator();
    if (!evaluator) return { allowedBy: [] };
    const context = { 'aws:SecureTransport': 'true', ...request.context };
    const decision = await evaluator.evaluate({
      principal,
      identityPolicies: policies,
      // A key's policy is its resource policy, for calls on the key itself; a bucket's, for its objects.
      resourcePolicy:
        this.resourcePolicies.get(request.resource) ??
        this.keyPolicies.get(request.resource) ??
        this.resourcePolicies.get(request.resource.replace(/^(arn:aws:s3:::[^/]+)\/.*$/, '$1')),
      action: request.action,
      resource: request.resource,
      resourceAccount: this.identity.accountId,
      context,
    });
    if (decision.denied) {
      return {
        denial: { principal, action: request.action, resource: request.resource, ...decision.denied },
        allowedBy: [],
      };
    }
    const allowedBy = decision.allowedBy;
    const keyArn = request.kms ? this.keyOfResource.get(request.resource) : undefined;
    if (!keyArn) return { allowedBy };
    const keyActions = request.kms === 'write' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'];
    for (const action of keyActions) {
      const keyDecision = await evaluator.evaluate({
        principal,
        identityPolicies: policies,
        resourcePolicy: this.keyPolicies.get(keyArn) ?? { Version: '2012-10-17', Statement: [] },
        action,
        resource: keyArn,
        resourceAccount: this.identity.accountId,
        context: {
          ...context,
          'kms:ViaService': `${serviceOfAction(request.action)}.${this.identity.region}.amazonaws.com`,
          'kms:CallerAccount': this.identity.accountId,
        },
      });
      if (keyDecision.denied) {
        const denial: Denial = {
          principal,
          action,
          resource: keyArn,
          keyOf: request.resource,
          kind: keyDecision.denied.kind,
          policy: 'key',
        };
        return { denial, allowedBy: [] };
      }
      // The key's use is a request of its own, allowed by its own statements.
      this.allowed.push({
        principal,
        request: {
          action,
          resource: keyArn,
          context: {
            'kms:ViaService': `${serviceOfAction(request.action)}.${this.identity.region}.amazonaws.com`,
          },
        },
        allowedBy: keyDecision.allowedBy,
      });
    }
    return { allowedBy };
  }

  private loadedEvaluator(): Promise<PolicyEvaluator | null> {
    this.evaluator ??= loadEvaluator();
    return this.evaluator;
  }
}
