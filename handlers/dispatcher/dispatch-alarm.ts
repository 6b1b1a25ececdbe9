import { ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { type AlarmStateChangeEvent, alarmArnOf, parseAlarmEvent } from '../lib/alarm-event.js';
import { planDispatch } from '../lib/alarm-routing.js';
import { logger } from '../lib/observability.js';
import { parseTarget } from '../lib/targets.js';
import { type DispatcherDeps, deployedIds } from './dispatcher-config.js';
import { alarmRequest, type DispatchOutcome, type DispatchRequest, ignored, launch } from './launch.js';

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
  const plan = planDispatch(event, {
    tags: await tagsOf(event, deps),
    routes: deps.config.routes,
    knownRunbooks: deployedIds(deps.config),
    transitionOnly: request === alarmRequest,
  });
  if (plan.action === 'ignore')
    return ignored(plan.runbook, plan.target, plan.reason, 'IgnoredAlarmEvents', deps);
  return launch(
    {
      runbook: plan.runbook,
      target: parseTarget(plan.target),
      executionName: plan.executionName,
      input: rawEvent as Record<string, unknown>,
      reason: plan.reason,
    },
    deps,
    request,
  );
}
