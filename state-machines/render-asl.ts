import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { StateGraph } from 'aws-cdk-lib/aws-stepfunctions';
import { type StepName, stepLogicalName } from '../handlers/steps.js';
import type { Runbook, RunbookDefinition, RunbookFunctions } from '../runbooks/index.js';
import type { AslDefinition } from './asl-types.js';

const placeholderAccount = '123456789012';
const placeholderRegion = 'us-east-1';

/** The placeholder standing for a step's function ARN in rendered ASL (SAM `DefinitionSubstitutions` style). */
export function functionArnPlaceholder(step: StepName): string {
  return `\${${stepLogicalName(step)}FunctionArn}`;
}

/** The ARN a step's function is imported by while rendering; placeholders replace it. */
export const sentinelArn = (step: StepName) =>
  `arn:aws:lambda:${placeholderRegion}:${placeholderAccount}:function:runbook-step-${step}`;

/** Replaces the CloudFormation intrinsics left after resolving a graph: only the partition is. */
function resolveIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveIntrinsics);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only && only[0] === 'Fn::Join') {
      const [separator, parts] = only[1] as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsics(p))).join(separator);
    }
    if (entries.length === 1 && only && only[0] === 'Ref' && only[1] === 'AWS::Partition') return 'aws';
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v)]));
  }
  return value;
}

/** Replaces every sentinel ARN with its step's placeholder. */
function withPlaceholders(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withPlaceholders);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v)]));
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
 * A runbook's state graph as CloudFormation would hold it, before placeholders: its `build` runs on
 * a throwaway stack whose step functions are imported by sentinel ARN
 * (`arn:aws:lambda:us-east-1:123456789012:function:runbook-step-<step>`), and the graph is resolved.
 */
export function renderGraph(runbook: RunbookDefinition): Record<string, unknown> {
  const stack = new Stack(new App(), 'Render', {
    env: { account: placeholderAccount, region: placeholderRegion },
  });
  // Each step's function is imported the first time the definition asks for it.
  const imported = new Map<string, ReturnType<typeof LambdaFunction.fromFunctionArn>>();
  const functions = new Proxy({} as RunbookFunctions, {
    get: (_target, step: string) => {
      let fn = imported.get(step);
      if (!fn) {
        fn = LambdaFunction.fromFunctionArn(stack, `fn-${step}`, sentinelArn(step as StepName));
        imported.set(step, fn);
      }
      return fn;
    },
  });
  const chain = runbook.build(stack, functions);
  const graph = new StateGraph(chain.startState, runbook.id);
  return resolveIntrinsics(stack.resolve(graph.toGraphJson())) as Record<string, unknown>;
}

/**
 * Renders a runbook's ASL without a synth, as deployed: function ARNs come out as
 * `${StepNameFunctionArn}` placeholders.
 */
export function renderAsl(runbook: RunbookDefinition): AslDefinition {
  return withPlaceholders({
    Comment: definitionComment(runbook),
    ...renderGraph(runbook),
    TimeoutSeconds: runbook.timeoutSeconds,
  }) as AslDefinition;
}
