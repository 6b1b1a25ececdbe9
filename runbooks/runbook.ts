import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type * as z from 'zod/mini';
import type { Scenario } from '../gameday/scenario.js';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import type { ApprovalMode } from '../handlers/lib/approval-mode.js';
import type { StepDeclaration } from '../handlers/lib/define-step.js';
import type { LockScope } from '../handlers/lib/resource-locks.js';
import type { ParameterSpec } from '../handlers/lib/start-parameters.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { TargetKind } from '../handlers/lib/targets.js';

/** Any step declaration (`defineStep`), whatever its input and output. */
// biome-ignore lint/suspicious/noExplicitAny: a list of steps holds steps of every input type.
export type AnyStep = StepDeclaration<string, any, any, any>;

/** The Lambda function behind each of a runbook's steps, as its definition sees it. */
export type RunbookFunctions<N extends string = string> = Readonly<Record<N, IFunction>>;

/**
 * A runbook's `definition.ts`: `build` returns its state machine, a chain of Step Functions
 * constructs over its steps' functions. (A method, so a build over some steps serves where any is.)
 */
export interface RunbookModule<N extends string = string> {
  build(scope: Construct, functions: RunbookFunctions<N>): IChainable;
}

/** What starts a runbook. */
export interface RunbookTrigger {
  readonly description: string;
  /** The alarms' metrics that start it; none: alarms never start it (people, schedules and events do). */
  readonly metrics: readonly { readonly namespace: string; readonly name: string }[];
  /**
   * AWS events that start it (`defineTrigger`, each in a module of its own): the CDK app deploys a
   * rule for each and bundles the modules into the dispatcher.
   * @default none
   */
  readonly events?: readonly EventTrigger[];
}

/** One approver group in a runbook's escalation order, and how long it has to answer. */
export interface ApproverTier {
  readonly group: string;
  /**
   * Static on purpose: AWS reads `TimeoutSecondsPath` from the state input, the local engine from
   * the effective parameters, so a path would diverge.
   */
  readonly timeoutSeconds: number;
}

/**
 * What a runbook is, without its state machine: what the catalogue, `runbook list` and `show`, the
 * dispatcher's configuration and Slack need. Loading it loads no CDK.
 */
export interface Runbook<
  G extends object = object,
  Id extends string = string,
  S extends readonly AnyStep[] = readonly AnyStep[],
> {
  /** Kebab-case; names the state machine, the tags and alarms that start it, and its commands. */
  readonly id: Id;
  readonly title: string;
  readonly description: string;
  readonly trigger: RunbookTrigger;
  /** The kinds of resource the runbook acts on; the dispatcher refuses to start it on others. */
  readonly targets: readonly [TargetKind, ...TargetKind[]];
  /** What a run locks: its target (always), and the account's concurrency pool when its changes take from it. */
  readonly locks: readonly ['target', ...LockScope[]];
  /**
   * Parameters a person may give when starting it by hand, with what each means and its kind of value.
   * @default none
   */
  readonly parameters?: Readonly<Record<string, ParameterSpec>>;
  /** Validates the execution input (an alarm event or a manual start). */
  readonly inputSchema: z.ZodMiniType;
  /** Whether a human approves the remediation, per environment. */
  readonly approval: Readonly<Record<Environment, ApprovalMode>>;
  /** Approver groups asked, in escalation order, when approval is required. */
  readonly approverTiers: readonly [ApproverTier, ...ApproverTier[]];
  /** Bounds on every remediation, carried into the definition. */
  readonly guardrails: G;
  /** Longest an execution may run before Step Functions stops it (the definition's TimeoutSeconds). */
  readonly timeoutSeconds: number;
  /** After a run, how long this runbook leaves the same target alone unless a human forces it. */
  readonly cooldownSeconds: number;
  /** Every step its definition uses (`defineStep`): the CDK app deploys one function for each. */
  readonly steps: S;
  /**
   * Loads its state machine (`definition.ts` exporting `build`). Lazy: loading a runbook loads no CDK.
   */
  readonly definition: () => Promise<RunbookModule<S[number]['name']>>;
  /** Loads its game days on the simulated account. Lazy: loading a runbook loads no simulator. */
  readonly gameDays: () => Promise<readonly Scenario[]>;
}

/**
 * A runbook with its state machine: `build` returns its chain of Step Functions constructs. The
 * CDK stack, the ASL renderer, the local runner and the diagrams all derive from it.
 */
export interface RunbookDefinition<G extends object = object> extends Runbook<G>, RunbookModule {}

/** A runbook with its state machine loaded (its `definition.ts`, and with it the CDK's constructs). */
export async function loadDefinition(runbook: Runbook): Promise<RunbookDefinition> {
  const { build } = await runbook.definition();
  return { ...runbook, build };
}
