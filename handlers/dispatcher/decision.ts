import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { checkParameters } from '../lib/start-parameters.js';
import type { Target } from '../lib/targets.js';
import { targetKey } from '../lib/targets.js';
import { accepts, type DispatcherConfig, deployedIds, deployedRunbookOf } from './dispatcher-config.js';
import type { EventTrigger } from './event-trigger.js';

/** Who asked for a run, and whether they override the cool-down. */
export interface DispatchRequest {
  readonly requestedBy: string;
  readonly force: boolean;
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
  /**
   * Where the run acts (a registered workload account's event acts there).
   * @default the deployment's own account and region
   */
  readonly place?: Place;
}

/** What started a run: an alarm (or a person naming one), a person naming a target, or an AWS event. */
export type StartSource = 'alarm' | 'person' | 'event';

/**
 * What the dispatcher decided about one trigger, before anything is locked or started: a start it
 * will attempt, or a refusal with its reason and the metric that counts it. The dispatcher and the
 * preview (`runbook dispatch --event`) make the same decisions; only the dispatcher acts on them.
 */
export type Decision =
  | {
      readonly action: 'start';
      readonly start: RunbookStart;
      readonly request: DispatchRequest;
      readonly source: StartSource;
    }
  | {
      readonly action: 'ignore';
      readonly runbook: string | null;
      readonly target: string | null;
      readonly reason: string;
      readonly metric: string;
    };

export const refuse = (
  runbook: string | null,
  target: string | null,
  reason: string,
  metric: string,
): Decision => ({ action: 'ignore', runbook, target, reason, metric });

/** What deciding needs to read about alarms: CloudWatch in Lambda, the event alone in the preview. */
export interface AlarmLookups {
  /** An alarm's tags. */
  readonly tags: (alarmArn: string) => Promise<Record<string, string>>;
  /** A metric alarm by name and its tags; undefined when there is none. */
  readonly describe: (
    name: string,
  ) => Promise<{ readonly alarm: MetricAlarm; readonly tags: Record<string, string> } | undefined>;
}

/** What deciding needs: the deployment's configuration, the time, the alarm lookups and the event triggers. */
export interface DecisionDeps {
  readonly config: DispatcherConfig;
  readonly now: () => Date;
  readonly alarms: AlarmLookups;
  /**
   * The runbooks' event triggers this process carries (those of runbooks not deployed are ignored).
   * @default none: alarms and start requests only
   */
  readonly triggers?: readonly EventTrigger[];
}

/**
 * The checks every start passes before anything is locked: the runbook is deployed, acts on the
 * kind of target, is started by alarms at all when an alarm is what starts it, and takes the
 * parameters given (each value of its kind).
 */
export function admit(
  start: RunbookStart,
  request: DispatchRequest,
  source: StartSource,
  deps: Pick<DecisionDeps, 'config' | 'now'>,
  parameters: Readonly<Record<string, string>> = {},
): Decision {
  const { runbook } = start;
  const key = targetKey(start.target);
  const deployed = deployedRunbookOf(deps.config, runbook);
  if (!deployed) {
    return refuse(
      null,
      key,
      `unknown runbook ${JSON.stringify(runbook.slice(0, 100))}; known: ${deployedIds(deps.config).join(', ')}`,
      'UnknownRunbookTriggers',
    );
  }
  if (!accepts(deployed, start.target.kind)) {
    return refuse(
      runbook,
      key,
      `${runbook} acts on ${deployed.targets.join(' or ')} targets, and ${key} is a ${start.target.kind}`,
      'WrongTargetKindTriggers',
    );
  }
  if (source === 'alarm' && !deployed.alarms) {
    return refuse(
      runbook,
      key,
      `${runbook} is not started by alarms: a person, a schedule or its own AWS event starts it`,
      'NotAlarmTriggeredRunbooks',
    );
  }
  try {
    checkParameters(runbook, deployed.parameters, parameters, deps.now());
  } catch (error) {
    return refuse(runbook, key, (error as Error).message, 'InvalidParameterTriggers');
  }
  return { action: 'start', start, request, source };
}

/** Where a run acts: the account and region of the resource it is about. */
export interface Place {
  readonly account: string;
  readonly region: string;
}

/**
 * Refuses what comes from outside this deployment's account and region and its registered
 * accounts' regions (an event another account forwarded, an alarm on another account's metric):
 * acting on it would act on a resource that merely has the same name somewhere it may act.
 */
export function foreignProblem(
  from: Place,
  config: Pick<DispatcherConfig, 'accountId' | 'region' | 'accounts'>,
  what = 'the event is from',
): string | undefined {
  if (from.account === config.accountId && from.region === config.region) return undefined;
  if (config.accounts.some((a) => a.accountId === from.account && a.regions.includes(from.region)))
    return undefined;
  const acts = [
    `${config.accountId} ${config.region}`,
    ...config.accounts.map((a) => `${a.accountId} ${a.regions.join('/')}`),
  ].join(', ');
  return `${what} account ${from.account.slice(0, 20)} in ${from.region.slice(0, 30)}; this deployment acts in ${acts} only`;
}
