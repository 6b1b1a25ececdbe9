import { PlatformError } from '../handlers/lib/errors.js';
import type { AnyStep, Runbook } from './runbook.js';

/** Kebab-case: the id names a state machine, tags, an alarm's routing value and CLI and Slack commands. */
export const runbookId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Step Functions names (of the state machine, `runbook-<id>`, and of executions, which carry the id
 * beside the target) are at most 80 characters; this leaves room for both.
 */
const longestId = 48;

/**
 * A step's function is named `<stack>-<step>` (`LambdaRunbooks-staging-` is 23 characters) and
 * Lambda function names are at most 64.
 */
const longestStepName = 40;

export class InvalidRunbookError extends PlatformError {
  override readonly name = 'InvalidRunbookError';
}

/** What is wrong with a runbook's declaration, one line each. */
function problemsOf(runbook: Runbook): string[] {
  const problems: string[] = [];
  if (!runbookId.test(runbook.id) || runbook.id.length > longestId)
    problems.push(`id ${JSON.stringify(runbook.id)} is not kebab-case of at most ${longestId} characters`);
  const names = runbook.steps.map((step) => step.name);
  const long = names.filter((name) => name.length > longestStepName);
  if (long.length > 0)
    problems.push(`step names longer than ${longestStepName} characters: ${long.join(', ')}`);
  const twice = names.filter((name, at) => names.indexOf(name) !== at);
  if (twice.length > 0) problems.push(`steps listed twice: ${[...new Set(twice)].join(', ')}`);
  const othersTriggers = (runbook.trigger.events ?? []).filter((t) => t.runbook !== runbook.id);
  if (othersTriggers.length > 0)
    problems.push(`event triggers of another runbook: ${othersTriggers.map((t) => t.runbook).join(', ')}`);
  for (const [field, seconds] of [
    ['timeoutSeconds', runbook.timeoutSeconds],
    ['cooldownSeconds', runbook.cooldownSeconds],
    ...runbook.approverTiers.map((tier) => [`approver tier ${tier.group}`, tier.timeoutSeconds] as const),
  ] as const) {
    if (!Number.isInteger(seconds) || seconds < 0) problems.push(`${field} is not a whole number of seconds`);
  }
  return problems;
}

/**
 * Declares a runbook: its metadata, the kinds of target it acts on and what it locks, what starts
 * it, the parameters a person may give, its approval policy, its steps (`defineStep`) and, loaded
 * lazily, its state machine and its game days. Everything else derives from it once it is in the
 * catalogue (`runbooks/catalogue.ts`): the CDK app's functions, grants and state machine, the
 * dispatcher's configuration, Slack and CLI commands, the simulator's bindings and the diagrams.
 */
export function defineRunbook<G extends object, const Id extends string, const S extends readonly AnyStep[]>(
  runbook: Runbook<G, Id, S>,
): Runbook<G, Id, S> {
  const problems = problemsOf(runbook);
  if (problems.length > 0)
    throw new InvalidRunbookError(`runbook ${JSON.stringify(runbook.id)}: ${problems.join('; ')}`);
  return Object.freeze(runbook);
}
