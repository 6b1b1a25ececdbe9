import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  GetQueueUrlCommand,
  paginateListDeadLetterSourceQueues,
  QueueDoesNotExist,
} from '@aws-sdk/client-sqs';
import type { DispatchPlan } from '../lib/alarm-routing.js';
import { aliasBehindApi } from '../lib/alias-target.js';
import type { ChangeBudgetSettings } from '../lib/change-budget.js';
import { InvalidInputError, isTransientAwsError } from '../lib/errors.js';
import { logger } from '../lib/observability.js';
import { lockKeysOf } from '../lib/resource-locks.js';
import type { Environment } from '../lib/step-deps.js';
import { claimSeconds, type LeaseHolder, TargetLeases } from '../lib/target-lease.js';
import { type Target, targetKey } from '../lib/targets.js';
import type { Decision, DispatchRequest, RunbookStart } from './decision.js';
import {
  type DispatcherDeps,
  deployedRunbookOf,
  environmentOf,
  executionArnOf,
} from './dispatcher-config.js';

export const alarmRequest: DispatchRequest = { requestedBy: 'alarm', force: false };

/** What the dispatcher did with one trigger. */
export type DispatchOutcome = DispatchPlan & { readonly executionArn?: string };

/** What every runbook execution started by the dispatcher carries besides its trigger. */
export interface DispatchContext {
  readonly runbook: string;
  readonly target: string;
  /**
   * The account and region the target is in, where the run's steps act (through the spoke role
   * there when it is not the platform's own).
   */
  readonly account: string;
  readonly region: string;
  /** That account's environment, whose approval policy and budget of automated change the run follows. */
  readonly environment: Environment;
  /** Every key the run locks, the target's own first; released together when it ends. */
  readonly locks: readonly string[];
  readonly requestedBy: string;
  readonly forced: boolean;
  readonly cooldownSeconds: number;
  /** The deployment's budget of automated change, for the run's change gate and escalation. */
  readonly changeBudget: ChangeBudgetSettings;
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
 * The resource a target stands for: an API's alarms are about the function behind it, so an API
 * target becomes that function (alias and all) and both contend for one lock. Unresolvable APIs
 * lock themselves; a passing AWS error while looking fails the dispatch (Lambda retries it), since
 * locking the API instead would let another run act on the same function meanwhile.
 */
async function resolved(target: Target, deps: DispatcherDeps): Promise<Target> {
  if (target.kind !== 'api') return target;
  try {
    const alias = await aliasBehindApi(target.apiName, deps.clients);
    return { kind: 'function', functionName: alias.functionName, alias: alias.alias };
  } catch (error) {
    if (isTransientAwsError(error)) throw error;
    return target;
  }
}

/**
 * The queues a dead-letter queue serves: a replay sends into them, so a run on the DLQ locks them
 * too. A queue that does not exist (yet) serves none; its run fails on its own.
 */
async function boundTo(target: Target, deps: DispatcherDeps): Promise<Target[]> {
  if (target.kind !== 'queue') return [];
  const { sqs } = deps.clients;
  let url: string | undefined;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: target.queueName }))).QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist) return [];
    throw error;
  }
  const sources: Target[] = [];
  for await (const page of paginateListDeadLetterSourceQueues({ client: sqs }, { QueueUrl: url })) {
    for (const source of page.queueUrls ?? []) {
      sources.push({ kind: 'queue', queueName: source.slice(source.lastIndexOf('/') + 1) });
    }
  }
  return sources;
}

/** Whether the execution holding a lapsed claim runs (its dispatch started it, then was cut off). */
async function runs(held: LeaseHolder, deps: DispatcherDeps): Promise<boolean> {
  const machine = deployedRunbookOf(deps.config, held.runbook);
  if (!machine) return false;
  try {
    const { status } = await deps.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: executionArnOf(machine, held.holder) }),
    );
    return status === 'RUNNING';
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return false;
    throw error;
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
  const place = start.place ?? { account: deps.config.accountId, region: deps.config.region };
  const home = place.account === deps.config.accountId && place.region === deps.config.region;
  // The dispatcher looks up what a target stands for with its own clients, in its own account: a
  // target elsewhere locks itself (its run's steps, acting there, find the rest).
  const acted = home ? await resolved(start.target, deps) : start.target;
  const target = targetKey(acted);
  const locks = lockKeysOf(
    acted,
    deployed.locks,
    { accountId: place.account, region: place.region, home },
    home ? await boundTo(acted, deps) : [],
  );
  const [primary = target] = locks;
  const leases = new TargetLeases(deps.clients.dynamodb, deps.config.leaseTable);
  const now = deps.now();
  const claim = Math.min(claimSeconds, deployed.leaseSeconds);
  const lease = await leases.acquireAll(locks, executionName, runbook, claim, now, {
    ignoreCooldown: request.force,
    running: (held) => runs(held, deps),
  });
  if (!lease.acquired) {
    return 'heldBy' in lease
      ? ignored(
          runbook,
          target,
          `${lease.key === primary ? `target ${target}` : `${lease.key} (which ${runbook} on ${target} changes)`} is locked by ${lease.heldBy.runbook} execution ${lease.heldBy.holder}`,
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
    account: place.account,
    region: place.region,
    environment: environmentOf(place, deps.config),
    locks,
    requestedBy: request.requestedBy,
    forced: request.force,
    cooldownSeconds: deployed.cooldownSeconds,
    changeBudget: deps.config.changeBudget,
  };
  let started: { executionArn?: string | undefined };
  try {
    started = await deps.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deployed.stateMachineArn,
        name: executionName,
        input: JSON.stringify({ ...start.input, dispatch }),
      }),
    );
  } catch (error) {
    // The execution of this trigger already ran and closed: this one is a late duplicate.
    if (!lease.reentrant) await leases.releaseAll(locks, executionName, runbook, 0, now);
    if (error instanceof ExecutionAlreadyExists) return duplicate('already exists');
    throw error;
  }
  // The run is started: a failure from here on keeps its claim (Lambda retries the dispatch, which
  // renews it, finds the run and marks it; without a retry the claim is kept while the run runs).
  await leases.markStarted(locks, executionName, deployed.leaseSeconds, now);
  // Re-entrant here (not marked started): another delivery of the same trigger is starting it
  // alongside, or an earlier attempt of this one took the lease and lost its answer. Either way
  // StartExecution of the same name and input ran it once; it is counted once, by the other.
  if (lease.reentrant) return duplicate('is running');
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
}

/** Carries out a decision: a refusal is counted and logged, a start is launched. */
export function act(decision: Decision, deps: DispatcherDeps): Promise<DispatchOutcome> {
  if (decision.action === 'ignore') {
    return Promise.resolve(
      ignored(decision.runbook, decision.target, decision.reason, decision.metric, deps),
    );
  }
  return launch(decision.start, deps, decision.request);
}
