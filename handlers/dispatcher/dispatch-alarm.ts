import { type AlarmStateChangeEvent, parseAlarmEvent } from '../lib/alarm-event.js';
import { planDispatch } from '../lib/alarm-routing.js';
import { parseTarget } from '../lib/targets.js';
import { cloudwatchLookups } from './alarm-lookups.js';
import {
  admit,
  type Decision,
  type DecisionDeps,
  type DispatchRequest,
  foreignProblem,
  refuse,
} from './decision.js';
import { type DispatcherDeps, deployedIds } from './dispatcher-config.js';
import { act, alarmRequest, type DispatchOutcome } from './launch.js';

/** Metric queries of another account (cross-account observability): the alarm is about its resource. */
function otherAccountOf(event: AlarmStateChangeEvent): string | undefined {
  return (event.detail.configuration.metrics ?? [])
    .map((m) => m.accountId)
    .find((id) => id !== undefined && id !== event.account);
}

/**
 * What an alarm state change starts: the runbook its tag or the routing table names, on the
 * resource it watches, if the alarm is this deployment's and about a resource of its own account.
 */
export async function decideAlarm(
  event: AlarmStateChangeEvent,
  deps: DecisionDeps,
  request: DispatchRequest = alarmRequest,
  input: unknown = event,
): Promise<Decision> {
  const foreign = foreignProblem(event, deps.config);
  if (foreign) return refuse(null, null, foreign, 'ForeignEvents');
  // An alarm on another account's metric (a central monitoring account) is about that account's
  // resource: it acts there if that account is registered in the alarm's region.
  const place = { account: otherAccountOf(event) ?? event.account, region: event.region };
  if (place.account !== event.account) {
    const metricForeign = foreignProblem(place, deps.config, 'the alarm watches a metric of');
    if (metricForeign) return refuse(null, null, metricForeign, 'ForeignEvents');
  }
  const plan = planDispatch(event, {
    tags: event.detail.alarmTags ?? (await deps.alarms.tags(event.resources[0] ?? '')),
    routes: deps.config.routes,
    knownRunbooks: deployedIds(deps.config),
    transitionOnly: request === alarmRequest,
  });
  if (plan.action === 'ignore') return refuse(plan.runbook, plan.target, plan.reason, 'IgnoredAlarmEvents');
  return admit(
    {
      runbook: plan.runbook,
      target: parseTarget(plan.target),
      executionName: plan.executionName,
      input: input as Record<string, unknown>,
      reason: plan.reason,
      place,
    },
    request,
    'alarm',
    deps,
  );
}

/**
 * Starts the runbook an alarm state change routes to, exactly once per transition and never while
 * another runbook holds the target (see `launch`): execution names derive from the transition.
 * Malformed events raise InvalidInputError and start nothing.
 */
export async function dispatchAlarm(
  rawEvent: unknown,
  deps: DispatcherDeps,
  request: DispatchRequest = alarmRequest,
): Promise<DispatchOutcome> {
  const event = parseAlarmEvent(rawEvent);
  const lookups = { ...deps, alarms: cloudwatchLookups(deps.clients.cloudwatch) };
  return act(await decideAlarm(event, lookups, request, rawEvent), deps);
}
