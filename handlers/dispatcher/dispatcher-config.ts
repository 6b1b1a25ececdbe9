import * as z from 'zod/mini';
import { routeRuleSchema } from '../lib/alarm-routing.js';
import type { AwsClients } from '../lib/aws-clients.js';
import { changeBudgetSchema } from '../lib/change-budget.js';
import { InvalidInputError } from '../lib/errors.js';
import { problemsOf } from '../lib/parse-input.js';
import type { PlatformMetrics } from '../lib/platform-metrics.js';
import { lockScopes } from '../lib/resource-locks.js';
import { accountId, nonEmptyString, nonNegativeInt, positiveInt } from '../lib/schemas.js';
import { parameterKinds } from '../lib/start-parameters.js';
import { type Environment, environments } from '../lib/step-deps.js';
import { type TargetKind, targetKinds } from '../lib/targets.js';
import type { EventTrigger } from './event-trigger.js';

/** A deployed runbook as the dispatcher starts it. */
export const deployedRunbookSchema = z.object({
  stateMachineArn: z
    .string()
    .check(
      z.regex(
        /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/,
        'is not a state machine ARN',
      ),
    ),
  /** The kinds of target the runbook acts on; others are refused before anything starts. */
  targets: z.array(z.enum(targetKinds)).check(z.minLength(1)),
  /** What a run locks besides its target. */
  locks: z.array(z.enum(lockScopes)).check(z.minLength(1)),
  /** Whether alarms start it (others are started by people, schedules and events only). */
  alarms: z.boolean(),
  /** The parameters a person may give it, with their kind of value. */
  parameters: z.record(z.string(), z.enum(parameterKinds)),
  /** How long a lease lasts if nothing releases it: the runbook's timeout plus a margin. */
  leaseSeconds: positiveInt(),
  /** After a run, how long the same runbook leaves the same target alone. */
  cooldownSeconds: nonNegativeInt(),
});

export type DeployedRunbook = z.infer<typeof deployedRunbookSchema>;

export const dispatcherConfigSchema = z.object({
  routes: z.array(routeRuleSchema),
  /** The budget of automated change every run carries in its dispatch context. */
  changeBudget: changeBudgetSchema,
  runbooks: z.record(z.string(), deployedRunbookSchema),
  leaseTable: nonEmptyString(),
  /** The account and region this deployment acts in: events of others are refused. */
  accountId: accountId(),
  region: nonEmptyString(),
  /** The deployment's environment: its own account's runs follow its approval policy. */
  environment: z.enum(environments),
  /**
   * Workload accounts it also acts in, through their spoke role: their events (in the regions
   * listed) start runs there, under the approval policy of their environment.
   */
  accounts: z._default(
    z.array(
      z.object({
        accountId: accountId(),
        environment: z.enum(environments),
        regions: z.array(nonEmptyString()),
      }),
    ),
    [],
  ),
  /**
   * Organizational units whose accounts it acts in: their events come through the unit's own
   * event bus, which only the unit's accounts may put events on.
   */
  organizationalUnits: z._default(
    z.array(
      z.object({
        organizationalUnitId: nonEmptyString(),
        environment: z.enum(environments),
        regions: z.array(nonEmptyString()),
      }),
    ),
    [],
  ),
});

export type DispatcherConfig = z.infer<typeof dispatcherConfigSchema>;

/**
 * The environment of the account a run acts in: a registered account's own, else (the platform's
 * account) the deployment's.
 */
export function environmentOf(
  place: { readonly account: string },
  config: Pick<DispatcherConfig, 'accounts' | 'environment'>,
): Environment {
  return config.accounts.find((a) => a.accountId === place.account)?.environment ?? config.environment;
}

/** The AWS clients the dispatcher (and manual starts through it) use. */
export type DispatcherClients = Pick<AwsClients, 'cloudwatch' | 'sfn' | 'dynamodb' | 'apiGateway' | 'sqs'>;

export interface DispatcherDeps {
  readonly clients: DispatcherClients;
  readonly now: () => Date;
  readonly metrics: PlatformMetrics;
  readonly config: DispatcherConfig;
  /**
   * Hands part of an event to a later invocation (the rest of a long Health notice).
   * @default none: everything is done in this invocation
   */
  readonly continueLater?: (event: unknown) => Promise<void>;
  /**
   * The runbooks' event triggers this process carries (in Lambda, those its bundle injects).
   * @default none: alarms and start requests only
   */
  readonly triggers?: readonly EventTrigger[];
}

/** Ids of the deployed runbooks. */
export function deployedIds(config: DispatcherConfig): string[] {
  return Object.keys(config.runbooks);
}

/** The ARN of a runbook's execution by name: its state machine's, as Step Functions derives it. */
export function executionArnOf(runbook: DeployedRunbook, executionName: string): string {
  return `${runbook.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/**
 * A deployed runbook by id. Ids come from tags, routes and people, so only the configuration's own
 * keys count (`__proto__` or `constructor` name no runbook).
 */
export function deployedRunbookOf(config: DispatcherConfig, id: string): DeployedRunbook | undefined {
  return Object.hasOwn(config.runbooks, id) ? config.runbooks[id] : undefined;
}

/** Whether a runbook acts on targets of this kind. */
export function accepts(runbook: DeployedRunbook, kind: TargetKind): boolean {
  return runbook.targets.includes(kind);
}

/** The dispatcher configuration deployed in `DISPATCHER_CONFIG` (JSON), validated. */
export function dispatcherConfigFromEnv(): DispatcherConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(process.env.DISPATCHER_CONFIG ?? '');
  } catch {
    throw new InvalidInputError('environment variable DISPATCHER_CONFIG is not JSON');
  }
  const parsed = dispatcherConfigSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(`DISPATCHER_CONFIG: ${problemsOf(parsed.error, raw)}`);
  return parsed.data;
}
