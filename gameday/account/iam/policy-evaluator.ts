/** An IAM policy document as CloudFormation and AWS hold it. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: unknown;
}

/** One request with every policy that decides it. */
export interface Evaluation {
  readonly principal: string;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly resourcePolicy: PolicyDocument | undefined;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/** A statement of the caller's identity policies, by the policy's and the statement's position. */
export interface StatementRef {
  readonly policy: number;
  readonly statement: number;
}

export interface Decision {
  /** Why it was refused; undefined when allowed. */
  readonly denied?: {
    readonly kind: 'explicit' | 'implicit';
    readonly policy: 'identity-based' | 'resource-based';
  };
  /** The identity statements that allowed it. */
  readonly allowedBy: readonly StatementRef[];
}

export interface PolicyEvaluator {
  evaluate(evaluation: Evaluation): Promise<Decision>;
}

type IamSimulate = typeof import('@cloud-copilot/iam-simulate');
type Simulate = IamSimulate['runSimulation'];
type SimulationInput = Parameters<Simulate>[0];

/**
 * SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat have no resource type in the Service
 * Authorization Reference, so the evaluator insists on `*` for them, while Step Functions
 * authorizes them against the task's state machine (aws-cdk#8486). For these, statements whose
 * resources match the state machine are evaluated as if they named `*`.
 */
const taskResponses = new Set([
  'states:sendtasksuccess',
  'states:sendtaskfailure',
  'states:sendtaskheartbeat',
]);

/** An ARN pattern of a policy (`*` and `?` wildcards) as a regular expression. */
function patternOf(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function asTaskResponse(evaluation: Evaluation): Evaluation {
  if (!taskResponses.has(evaluation.action.toLowerCase()) || evaluation.resource === '*') return evaluation;
  const list = (value: unknown): unknown[] =>
    Array.isArray(value) ? value : value === undefined ? [] : [value];
  const rewrite = (statement: Record<string, unknown>) => {
    const resources = list(statement.Resource).map(String);
    return resources.some((r) => patternOf(r).test(evaluation.resource))
      ? { ...statement, Resource: '*' }
      : statement;
  };
  return {
    ...evaluation,
    resource: '*',
    identityPolicies: evaluation.identityPolicies.map((policy) => ({
      ...policy,
      Statement: list(policy.Statement).map((s) => rewrite(s as Record<string, unknown>)),
    })),
  };
}

function decisionOf(result: Awaited<ReturnType<Simulate>>, evaluation: Evaluation): Decision {
  if (result.resultType === 'error') {
    throw new Error(
      `IAM evaluation of ${evaluation.action} on ${evaluation.resource} is invalid: ${JSON.stringify(result.errors)}`,
    );
  }
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  const identity = analysis?.identityAnalysis;
  const allowedBy = (identity?.allowStatements ?? []).map((s) => ({
    policy: Number(s.policyId),
    statement: s.statement.index() - 1,
  }));
  if (result.overallResult === 'Allowed') return { allowedBy };
  const explicit = result.overallResult === 'ExplicitlyDenied';
  const resourceSaidNo = (analysis?.resourceAnalysis?.denyStatements.length ?? 0) > 0;
  return {
    denied: {
      kind: explicit ? 'explicit' : 'implicit',
      policy: explicit && resourceSaidNo ? 'resource-based' : 'identity-based',
    },
    allowedBy,
  };
}

/**
 * A decision without the evaluator's validation, for a request whose ARN fits two resource types
 * of the action (an alias ARN is also a valid version ARN for provisioned concurrency): the
 * validating evaluator refuses to choose, though the choice changes nothing here (neither type has
 * condition keys of its own). The statements that allow it are found one by one.
 */
function unvalidatedDecision(unsafe: IamSimulate['runUnsafeSimulation'], input: SimulationInput): Decision {
  const overall = unsafe(input, {});
  const list = (value: unknown): unknown[] =>
    Array.isArray(value) ? value : value === undefined ? [] : [value];
  const allowedBy = input.identityPolicies.flatMap((policy, p) =>
    list((policy.policy as PolicyDocument).Statement).flatMap((statement, s) =>
      unsafe(
        {
          ...input,
          identityPolicies: [
            { name: policy.name, policy: { Version: '2012-10-17', Statement: [statement] } },
          ],
        },
        {},
      ) === 'Allowed'
        ? [{ policy: p, statement: s }]
        : [],
    ),
  );
  if (overall === 'Allowed') return { allowedBy };
  return {
    denied: { kind: overall === 'ExplicitlyDenied' ? 'explicit' : 'implicit', policy: 'identity-based' },
    allowedBy,
  };
}

/** Whether the IAM policy evaluator is installed (it is a development dependency). */
export async function policyEvaluatorInstalled(): Promise<boolean> {
  return (await loadEvaluator()) !== null;
}

/** A number for each policy object: policies are shared by every account a deployment is installed in. */
const policyIds = new WeakMap<object, number>();
let lastPolicyId = 0;
const idOf = (policy: object | undefined): number => {
  if (!policy) return 0;
  const known = policyIds.get(policy);
  if (known !== undefined) return known;
  lastPolicyId += 1;
  policyIds.set(policy, lastPolicyId);
  return lastPolicyId;
};

let loaded: Promise<PolicyEvaluator | null> | undefined;

/**
 * The IAM policy evaluator, `@cloud-copilot/iam-simulate` (AGPL-3.0-or-later, a development
 * dependency: loaded here only, never bundled); null when it is not installed. One per process:
 * a decision depends only on its policies (by identity) and the request, so it is made once.
 */
export function loadEvaluator(): Promise<PolicyEvaluator | null> {
  loaded ??= createEvaluator();
  return loaded;
}

async function createEvaluator(): Promise<PolicyEvaluator | null> {
  let library: IamSimulate;
  try {
    library = await import('@cloud-copilot/iam-simulate');
  } catch {
    return null;
  }
  const decisions = new Map<string, Promise<Decision>>();
  const evaluate = async (original: Evaluation): Promise<Decision> => {
    const evaluation = asTaskResponse(original);
    const input: SimulationInput = {
      identityPolicies: evaluation.identityPolicies.map((policy, i) => ({ name: String(i), policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(evaluation.resourcePolicy ? { resourcePolicy: evaluation.resourcePolicy } : {}),
      request: {
        principal: evaluation.principal,
        action: evaluation.action,
        resource: { resource: evaluation.resource, accountId: evaluation.resourceAccount },
        contextVariables: evaluation.context as Record<string, string | string[]>,
      },
    };
    const result = await library.runSimulation(input, {});
    if (
      result.resultType === 'error' &&
      result.errors.message === 'multiple.resource.types' &&
      !evaluation.resourcePolicy
    )
      return unvalidatedDecision(library.runUnsafeSimulation, input);
    return decisionOf(result, evaluation);
  };
  return {
    evaluate(evaluation) {
      const key = [
        idOf(evaluation.identityPolicies),
        idOf(evaluation.resourcePolicy),
        evaluation.principal,
        evaluation.action,
        evaluation.resource,
        JSON.stringify(evaluation.context),
      ].join('|');
      let decision = decisions.get(key);
      if (!decision) {
        decision = evaluate(evaluation);
        decisions.set(key, decision);
      }
      return decision;
    },
  };
}
