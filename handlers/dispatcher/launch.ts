import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DispatchPlan } from '../lib/alarm-routing.js';
import { aliasBehindApi } from '../lib/alias-target.js';
import { InvalidInputError } from '../lib/errors.js';
import { logger } from '../lib/observability.js';
import { TargetLeases } from '../lib/target-lease.js';
import { type Target, targetKey } from '../lib/targets.js';
import { accepts, type DispatcherDeps, deployedRunbookOf } from './dispatcher-config.js';

/** Who asked for a run, and whether they override the cool-down. */
export interface DispatchRequest {
  readonly requestedBy: string;
  readonly force: boolean;
}

export const alarmRequest: DispatchRequest = { requestedBy: 'alarm', force: false };

/** What the dispatcher did with one trigger. */
export type DispatchOutcome = DispatchPlan & { readonly executionArn?: string };

/** What every runbook execution started by the dispatcher carries besides its trigger. */
export interface DispatchContext {
  readonly runbook: string;
  readonly target: string;
  readonly requestedBy: string;
  readonly forced: boolean;
  readonly cooldownSeconds: number;
}

/** A runbook to start on a target: from an alarm, or from a person. */
export interface RunbookStart {
  readonly runbook: string;
  readonly target: Target;
  /** Derived from the trigger, so a repeated trigger cannot start a second execution. */
  readonly executionName: string;
  /** The execution's input besides the dispatch context: the alarm event, or the manual request. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly reason: string;
}

export function ignored(
  runbook: string | null,
  target: string | null,
  reason: string,
  metric: string,
  deps: Pick<DispatcherDeps, 'metrics'>,
): DispatchOutcome {
  deps.metrics.count(metric);
  logger.info(`ignored: ${reason}`, { runbook, target, reason });
  return { action: 'ignore', runbook, target, executionName: null, reason };
}

/**
 * An API's alarms and its Lambda alias's alarms are about one resource: an API target becomes the
 * alias behind it, so both contend for one lease. Unresolvable APIs keep their own key.
 */
async function lockKey(target: Target, deps: DispatcherDeps): Promise<string> {
  if (target.kind !== 'api') return targetKey(target);
  try {
    const alias = await aliasBehindApi(target.apiName, deps.clients);
    return targetKey({ kind: 'function', functionName: alias.functionName, alias: alias.alias });
  } catch {
    return targetKey(target);
  }
}

/**
 * Starts a runbook on a target, exactly once per trigger and never while another runbook holds the
 * target: a runbook is only started on the kinds of target it declares; a DynamoDB lease (with the
 * runbook's cool-down, unless forced) guards the target; Step Functions refuses a second execution
 * of one name, which counts as a duplicate, not an error.
 */
export async function launch(
  start: RunbookStart,
  deps: DispatcherDeps,
  request: DispatchRequest,
): Promise<DispatchOutcome> {
  const { runbook, executionName } = start;
  const deployed = deployedRunbookOf(deps.config, runbook);
  if (!deployed) throw new InvalidInputError(`runbook ${runbook} is not deployed`);
  if (!accepts(deployed, start.target.kind)) {
    return ignored(
      runbook,
      targetKey(start.target),
      `${runbook} acts on ${deployed.targets.join(' or ')} targets, and ${targetKey(start.target)} is a ${start.target.kind}`,
      'WrongTargetKindTriggers',
      deps,
    );
  }
  const target = await lockKey(start.target, deps);
  const leases = new TargetLeases(deps.clients.dynamodb, deps.config.leaseTable);
  const now = deps.now();
  const lease = await leases.acquire(target, executionName, runbook, deployed.leaseSeconds, now, {
    ignoreCooldown: request.force,
  });
  if (!lease.acquired) {
    return 'heldBy' in lease
      ? ignored(
          runbook,
          target,
          `target ${target} is locked by ${lease.heldBy.runbook} execution ${lease.heldBy.holder}`,
          'LockedTargetTriggers',
          deps,
        )
      : ignored(
          runbook,
          target,
          `cool-down: ${runbook} acted on ${target}; it may again after ${lease.coolingDownUntil.toISOString()}`,
          'CooledDownTriggers',
          deps,
        );
  }
  const duplicate = (how: string) =>
    ignored(
      runbook,
      target,
      `duplicate delivery: execution ${executionName} ${how}`,
      'DuplicateAlarmEvents',
      deps,
    );
  if (lease.reentrant && lease.started) return duplicate('already started');

  const dispatch: DispatchContext = {
    runbook,
    target,
    requestedBy: request.requestedBy,
    forced: request.force,
    cooldownSeconds: deployed.cooldownSeconds,
  };
  try {
    const started = await deps.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deployed.stateMachineArn,
        name: executionName,
        input: JSON.stringify({ ...start.input, dispatch }),
      }),
    );
    await leases.markStarted(target, executionName);
    if (lease.reentrant) return duplicate('is already running');
    deps.metrics.count('StartedRunbooks');
    logger.info(`started ${runbook} on ${target}`, { executionName, requestedBy: request.requestedBy });
    return {
      action: 'start',
      runbook,
      target,
      executionName,
      reason: start.reason,
      ...(started.executionArn ? { executionArn: started.executionArn } : {}),
    };
  } catch (error) {
    // The execution of this trigger already ran and closed: this one is a late duplicate.
    if (!lease.reentrant) await leases.release(target, executionName, runbook, 0, now);
    if (error instanceof ExecutionAlreadyExists) return duplicate('already exists');
    throw error;
  }
}
