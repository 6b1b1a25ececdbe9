import type { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import type { StepName } from '../handlers/index.js';
import type { ApprovalMode } from '../handlers/lib/guardrails.js';
import type { Environment } from '../handlers/lib/step-deps.js';

/** The Lambda function behind each step, as the definition sees it. */
export type RunbookFunctions = Readonly<Record<StepName, IFunction>>;

/** Which alarms start a runbook. */
export interface RunbookTrigger {
  readonly description: string;
  readonly metrics: readonly { readonly namespace: string; readonly name: string }[];
}

/**
 * A runbook, defined once: metadata plus `build`, which returns its chain of Step Functions
 * constructs. The CDK stack, the ASL renderer, the local runner, the diagrams and the catalogue
 * all derive from this.
 */
export interface Runbook {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly trigger: RunbookTrigger;
  /** Validates the execution input (an alarm event or a manual start). */
  readonly inputSchema: z.ZodType;
  /** Whether a human approves the remediation, per environment. */
  readonly approval: Readonly<Record<Environment, ApprovalMode>>;
  /** Approver groups asked, in escalation order, when approval is required. */
  readonly approverGroups: readonly string[];
  /** Bounds on every remediation, carried into the definition. */
  readonly guardrails: Readonly<Record<string, unknown>>;
  /** Longest an execution may run before Step Functions stops it (the definition's TimeoutSeconds). */
  readonly timeout: Duration;
  /** After a run, how long this runbook leaves the same target alone unless a human forces it. */
  readonly cooldown: Duration;
  /** Step handlers the definition uses. */
  readonly steps: readonly StepName[];
  readonly build: (scope: Construct, functions: RunbookFunctions) => IChainable;
}
