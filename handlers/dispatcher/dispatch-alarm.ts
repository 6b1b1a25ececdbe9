import { ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { type AlarmStateChangeEvent, alarmArnOf, parseAlarmEvent } from '../lib/alarm-event.js';
import { type DispatchPlan, planDispatch, routeRuleSchema } from '../lib/alarm-routing.js';
import { resolveAliasTarget } from '../lib/alias-target.js';
import type { AwsClients } from '../lib/aws-clients.js';
import { InvalidInputError } from '../lib/errors.js';
import { logger } from '../lib/observability.js';
import type { PlatformMetrics } from '../lib/platform-metrics.js';
import { nonEmptyString, nonNegativeInt, positiveInt } from '../lib/schemas.js';
import { TargetLeases } from '../lib/target-lease.js';

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
  /** How long a lease lasts if nothing releases it: the runbook's timeout plus a margin. */
  leaseSeconds: positiveInt(),
  /** After a run, how long the same runbook leaves the same target alone. */
  cooldownSeconds: nonNegativeInt(),
});

export type DeployedRunbook = z.infer<typeof deployedRunbookSchema>;

export const dispatcherConfigSchema = z.object({
  routes: z.array(routeRuleSchema),
  runbooks: z.record(z.string(), deployedRunbookSchema),
  leaseTable: nonEmptyString(),
});

export type DispatcherConfig = z.infer<typeof dispatcherConfigSchema>;

/** The AWS clients the dispatcher (and manual starts through it) use. */
export type DispatcherClients = Pick<AwsClients, 'cloudwatch' | 'sfn' | 'dynamodb' | 'apiGateway'>;

export interface DispatcherDeps {
  readonly clients: DispatcherClients;
  readonly now: () => Date;
  readonly metrics: PlatformMetrics;
  readonly config: DispatcherConfig;
}

/** Who asked for a run, and whether they override the cool-down. */
export interface DispatchRequest {
  readonly requestedBy: string;
  readonly force: boolean;
}

/** What the dispatcher did with one event. */
export type DispatchOutcome = DispatchPlan & { readonly executionArn?: string };

/** What every runbook execution started by the dispatcher carries besides the alarm event. */
export interface DispatchContext {
  readonly runbook: string;
  readonly target: string;
  readonly requestedBy: string;
  readonly forced: boolean;
  readonly cooldownSeconds: number;
}

const defaultRequest: DispatchRequest = { requestedBy: 'alarm', force: false };

/**
 * An API's alarms and its Lambda alias's alarms are about one resource: resolve an API target to the
 * alias behind it, so both contend for one lease. Unresolvable APIs keep their own key.
 */
async function resolvedTarget(
  target: string,
  event: AlarmStateChangeEvent,
  deps: DispatcherDeps,
): Promise<string> {
  if (!target.startsWith('apigateway:')) return target;
  try {
    const alias = await resolveAliasTarget(event, deps.clients);
    return `lambda:${alias.functionName}:${alias.alias}`;
  } catch {
    return target;
  }
}

/** The alarm's tags: from the event when tag propagation is on, otherwise from CloudWatch. */
async function tagsOf(event: AlarmStateChangeEvent, deps: DispatcherDeps): Promise<Record<string, string>> {
  if (event.detail.alarmTags) return event.detail.alarmTags;
  try {
    const listed = await deps.clients.cloudwatch.send(
      new ListTagsForResourceCommand({ ResourceARN: alarmArnOf(event) }),
    );
    return Object.fromEntries((listed.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (error) {
    logger.warn('could not read alarm tags; routing by table only', {
      alarm: alarmArnOf(event),
      error: (error as Error).name,
    });
    return {};
  }
}

function ignored(
  plan: DispatchPlan,
  reason: string,
  metric: string,
  deps: DispatcherDeps,
  target: string | null = plan.target,
): DispatchOutcome {
  deps.metrics.count(metric);
  logger.info(`ignored: ${reason}`, { runbook: plan.runbook, target, reason });
  return { action: 'ignore', runbook: plan.runbook, target, executionName: null, reason };
}

/**
 * Starts the runbook an alarm state change routes to, exactly once per transition and never while
 * another runbook holds the target: execution names derive from the transition (Step Functions
 * refuses a second execution of one name), and a DynamoDB lease guards the target. Malformed events
 * raise InvalidInputError and start nothing.
 */
export async function dispatchAlarm(
  rawEvent: unknown,
  deps: DispatcherDeps,
  request: DispatchRequest = defaultRequest,
): Promise<DispatchOutcome> {
  const event = parseAlarmEvent(rawEvent);
  const plan = planDispatch(event, {
    tags: await tagsOf(event, deps),
    routes: deps.config.routes,
    knownRunbooks: Object.keys(deps.config.runbooks),
  });
  if (plan.action === 'ignore') return ignored(plan, plan.reason, 'IgnoredAlarmEvents', deps);

  const target = await resolvedTarget(plan.target, event, deps);
  const deployed = deps.config.runbooks[plan.runbook];
  if (!deployed) throw new InvalidInputError(`runbook ${plan.runbook} is not deployed`);
  const leases = new TargetLeases(deps.clients.dynamodb, deps.config.leaseTable);
  const now = deps.now();
  const lease = await leases.acquire(target, plan.executionName, plan.runbook, deployed.leaseSeconds, now, {
    ignoreCooldown: request.force,
  });
  if (!lease.acquired) {
    return 'heldBy' in lease
      ? ignored(
          plan,
          `target ${target} is locked by ${lease.heldBy.runbook} execution ${lease.heldBy.holder}`,
          'LockedTargetTriggers',
          deps,
          target,
        )
      : ignored(
          plan,
          `cool-down: ${plan.runbook} acted on ${target}; it may again after ${lease.coolingDownUntil.toISOString()}`,
          'CooledDownTriggers',
          deps,
          target,
        );
  }
  if (lease.reentrant && lease.started) {
    return ignored(
      plan,
      `duplicate delivery: execution ${plan.executionName} already started`,
      'DuplicateAlarmEvents',
      deps,
      target,
    );
  }

  const dispatch: DispatchContext = {
    runbook: plan.runbook,
    target: target,
    requestedBy: request.requestedBy,
    forced: request.force,
    cooldownSeconds: deployed.cooldownSeconds,
  };
  try {
    const started = await deps.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deployed.stateMachineArn,
        name: plan.executionName,
        input: JSON.stringify({ ...(rawEvent as object), dispatch }),
      }),
    );
    await leases.markStarted(target, plan.executionName);
    if (lease.reentrant) {
      return ignored(
        plan,
        `duplicate delivery: execution ${plan.executionName} is already running`,
        'DuplicateAlarmEvents',
        deps,
        target,
      );
    }
    deps.metrics.count('StartedRunbooks');
    logger.info(`started ${plan.runbook} on ${target}`, {
      executionName: plan.executionName,
      requestedBy: request.requestedBy,
    });
    return { ...plan, target, ...(started.executionArn ? { executionArn: started.executionArn } : {}) };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) {
      // The execution of this transition already ran and closed: this event is a late duplicate.
      if (!lease.reentrant) await leases.release(target, plan.executionName, plan.runbook, 0, now);
      return ignored(
        plan,
        `duplicate delivery: execution ${plan.executionName} already exists`,
        'DuplicateAlarmEvents',
        deps,
        target,
      );
    }
    if (!lease.reentrant) await leases.release(target, plan.executionName, plan.runbook, 0, now);
    throw error;
  }
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
  if (!parsed.success) throw new InvalidInputError(`DISPATCHER_CONFIG: ${parsed.error.message}`);
  return parsed.data;
}
