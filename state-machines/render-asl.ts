import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { StateGraph } from 'aws-cdk-lib/aws-stepfunctions';
import { type StepName, stepNames } from '../handlers/index.js';
import type { Runbook, RunbookFunctions } from '../runbooks/index.js';
import type { AslDefinition } from './asl-types.js';

const placeholderAccount = '123456789012';
const placeholderRegion = 'us-east-1';

/** `gather-evidence` → `GatherEvidence`: the name a step's function has in templates and placeholders. */
export function stepLogicalName(step: StepName): string {
  return step.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());
}

/** The placeholder standing for a step's function ARN in rendered ASL (SAM `DefinitionSubstitutions` style). */
export function functionArnPlaceholder(step: StepName): string {
  return `\${${stepLogicalName(step)}FunctionArn}`;
}

const sentinelArn = (step: StepName) =>
  `arn:aws:lambda:${placeholderRegion}:${placeholderAccount}:function:runbook-step-${step}`;

/** Replaces CloudFormation intrinsics left after resolving (only the partition) and sentinel ARNs. */
function substitute(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only && only[0] === 'Fn::Join') {
      const [separator, parts] = only[1] as [string, unknown[]];
      return parts.map((p) => String(substitute(p))).join(separator);
    }
    if (entries.length === 1 && only && only[0] === 'Ref' && only[1] === 'AWS::Partition') return 'aws';
    return Object.fromEntries(entries.map(([k, v]) => [k, substitute(v)]));
  }
  if (typeof value === 'string') {
    return value.replace(
      /arn:aws:lambda:us-east-1:123456789012:function:runbook-step-([a-z-]+)/g,
      (_m, step: string) => functionArnPlaceholder(step as StepName),
    );
  }
  return value;
}

/** The top-level Comment of a runbook's definition, deployed and rendered alike. */
export function definitionComment(runbook: Runbook): string {
  return `${runbook.title}: ${runbook.description}`;
}

/**
 * Renders a runbook's ASL without a synth: its `build` runs on a throwaway stack whose functions
 * are imported by placeholder ARN, and the graph is resolved to JSON. Function ARNs come out as
 * `${StepNameFunctionArn}` placeholders.
 */
export function renderAsl(runbook: Runbook): AslDefinition {
  const stack = new Stack(new App(), 'Render', {
    env: { account: placeholderAccount, region: placeholderRegion },
  });
  const functions = Object.fromEntries(
    stepNames.map((step) => [step, LambdaFunction.fromFunctionArn(stack, `fn-${step}`, sentinelArn(step))]),
  ) as RunbookFunctions;
  const chain = runbook.build(stack, functions);
  const graph = new StateGraph(chain.startState, runbook.id);
  const json = stack.resolve(graph.toGraphJson()) as Record<string, unknown>;
  return substitute({
    Comment: definitionComment(runbook),
    ...json,
    TimeoutSeconds: runbook.timeout.toSeconds(),
  }) as AslDefinition;
}
