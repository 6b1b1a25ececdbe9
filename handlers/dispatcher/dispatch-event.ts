import { parseAlarmEvent } from '../lib/alarm-event.js';
import { cloudwatchLookups } from './alarm-lookups.js';
import type { Decision, DecisionDeps } from './decision.js';
import { decideAlarm } from './dispatch-alarm.js';
import type { DispatcherDeps } from './dispatcher-config.js';
import { decideHealthEvent, type HealthEvent, isHealthEvent, parseHealthEvent } from './health-event.js';
import { act, alarmRequest, type DispatchOutcome } from './launch.js';
import { decideManualStart } from './manual-start.js';
import { decideRotationFailure, isSecretsManagerEvent } from './rotation-failed.js';
import { isStartRequest, manualStartOf } from './start-request.js';

/**
 * What the dispatcher decides about anything it is sent, before anything is locked or started:
 * start requests (people, schedules), Secrets Manager's failed rotations, AWS Health runtime notices
 * (one decision per function named), and CloudWatch alarm state changes (anything else is refused
 * there as a malformed alarm event). The dispatcher acts on these decisions; `runbook dispatch`
 * shows them.
 */
export async function decideEvent(event: unknown, deps: DecisionDeps): Promise<Decision[]> {
  if (isStartRequest(event)) return [await decideManualStart(manualStartOf(event), deps)];
  if (isSecretsManagerEvent(event)) return [decideRotationFailure(event, deps)];
  if (isHealthEvent(event)) return decideHealthEvent(parseHealthEvent(event), deps);
  return [await decideAlarm(parseAlarmEvent(event), deps, alarmRequest, event)];
}

/**
 * How many functions of one Health notice an invocation starts: each start is a lease, a
 * StartExecution and a mark (tens of milliseconds in AWS), so a page finishes well within the
 * dispatcher's 30-second timeout; the rest of the notice is handed to the next invocation first.
 */
export const healthPageSize = 50;

/** The notice with only the entities after the first page. */
function laterPages(event: HealthEvent): HealthEvent {
  return {
    ...event,
    detail: { ...event.detail, affectedEntities: event.detail.affectedEntities.slice(healthPageSize) },
  };
}

/**
 * Everything the dispatcher is sent, decided (see `decideEvent`) and acted on. A Health notice
 * naming more functions than a page is handed on (`continueLater`, the dispatcher invoking itself
 * asynchronously) before its first page is started, so no function is dropped however long the
 * list; execution names derive from the notice and the function, so a redelivered page starts
 * nothing twice.
 */
export async function dispatchEvent(event: unknown, deps: DispatcherDeps): Promise<DispatchOutcome[]> {
  const decisionDeps = { ...deps, alarms: cloudwatchLookups(deps.clients.cloudwatch) };
  let decisions: Decision[];
  if (isHealthEvent(event) && deps.continueLater) {
    const notice = parseHealthEvent(event);
    if (notice.detail.affectedEntities.length > healthPageSize) await deps.continueLater(laterPages(notice));
    decisions = decideHealthEvent(
      {
        ...notice,
        detail: {
          ...notice.detail,
          affectedEntities: notice.detail.affectedEntities.slice(0, healthPageSize),
        },
      },
      decisionDeps,
    );
  } else {
    decisions = await decideEvent(event, decisionDeps);
  }
  const outcomes: DispatchOutcome[] = [];
  for (const decision of decisions) outcomes.push(await act(decision, deps));
  return outcomes;
}
