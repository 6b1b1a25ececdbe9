import { parseAlarmEvent } from '../lib/alarm-event.js';
import { executionNameOf } from '../lib/alarm-routing.js';
import { cloudwatchLookups } from './alarm-lookups.js';
import { admit, type Decision, type DecisionDeps, foreignProblem, refuse } from './decision.js';
import { decideAlarm } from './dispatch-alarm.js';
import type { DispatcherDeps } from './dispatcher-config.js';
import { type EventEnvelope, type EventTrigger, triggerOf } from './event-trigger.js';
import { act, alarmRequest, type DispatchOutcome } from './launch.js';
import { decideManualStart } from './manual-start.js';
import { isStartRequest, manualStartOf } from './start-request.js';
import { throughUnit } from './unit-delivery.js';

/**
 * What an event declared by a runbook's trigger starts: each start it asks for, through the same
 * checks as any other (the runbook is deployed, acts on the kind of target), once per event and
 * resource (the execution name derives from them). Events of other accounts and regions start nothing.
 */
function decideTriggered(
  trigger: EventTrigger,
  event: EventEnvelope,
  deps: Pick<DecisionDeps, 'config' | 'now'>,
): Decision[] {
  const foreign = foreignProblem(event, deps.config);
  if (foreign) return [refuse(trigger.runbook, null, foreign, 'ForeignEvents')];
  // A trigger narrowed to the deployment's own resources of a kind (the secrets it rotates) acts
  // on those only: a workload account's event of that kind is not one of them.
  const home = event.account === deps.config.accountId && event.region === deps.config.region;
  if (trigger.resources && !home)
    return [
      refuse(
        trigger.runbook,
        null,
        `${trigger.runbook} acts on this deployment's own ${trigger.resources.kind} only, not those of account ${event.account} in ${event.region}`,
        'ForeignEvents',
      ),
    ];
  return trigger.answer(event).map((answer) => {
    if ('refuse' in answer) {
      const { target, reason, metric } = answer.refuse;
      return refuse(trigger.runbook, target, reason, metric);
    }
    const { start } = answer;
    return admit(
      {
        runbook: trigger.runbook,
        target: start.target,
        executionName: executionNameOf(trigger.runbook, start.name, new Date(event.time), start.onceKey),
        input: { ...start.input },
        reason: start.reason,
        place: { account: event.account, region: event.region },
      },
      { requestedBy: trigger.requestedBy, force: false },
      'event',
      deps,
    );
  });
}

/** The triggers of the deployed runbooks, among those this process knows. */
function deployedTriggers(deps: Pick<DecisionDeps, 'config' | 'triggers'>): readonly EventTrigger[] {
  return (deps.triggers ?? []).filter((t) => Object.hasOwn(deps.config.runbooks, t.runbook));
}

/**
 * What the dispatcher decides about anything it is sent, before anything is locked or started:
 * start requests (people, schedules), the events the deployed runbooks' triggers declare (AWS
 * Health notices, failed rotations: one decision per resource named), and CloudWatch alarm state
 * changes (anything else is refused there as a malformed alarm event). The dispatcher acts on
 * these decisions; `runbook dispatch` shows them.
 */
export async function decideEvent(event: unknown, deps: DecisionDeps): Promise<Decision[]> {
  const unit = throughUnit(event, deps.config);
  if (unit)
    return 'refused' in unit ? [unit.refused] : decideEvent(unit.event, { ...deps, config: unit.config });
  if (isStartRequest(event)) return [await decideManualStart(manualStartOf(event), deps)];
  const trigger = triggerOf(event, deployedTriggers(deps));
  if (trigger) return decideTriggered(trigger, trigger.parse(event), deps);
  return [await decideAlarm(parseAlarmEvent(event), deps, alarmRequest, event)];
}

/**
 * How many resources of one event an invocation starts: each start is a lease, a StartExecution
 * and a mark (tens of milliseconds in AWS), so a page finishes well within the dispatcher's
 * 30-second timeout; the rest of the event is handed to the next invocation first.
 */
export const eventPageSize = 50;

/**
 * Everything the dispatcher is sent, decided (see `decideEvent`) and acted on. An event naming more
 * resources than a page (a long Health notice) is split by its trigger and the rest handed on
 * (`continueLater`, the dispatcher invoking itself asynchronously) before its first page is
 * started, so no resource is dropped however long the list; execution names derive from the event
 * and the resource, so a redelivered page starts nothing twice.
 */
export async function dispatchEvent(event: unknown, deps: DispatcherDeps): Promise<DispatchOutcome[]> {
  const unit = throughUnit(event, deps.config);
  if (unit && 'refused' in unit) return [await act(unit.refused, deps)];
  if (unit) {
    const { continueLater } = deps;
    return dispatchEvent(unit.event, {
      ...deps,
      config: unit.config,
      ...(continueLater ? { continueLater: (later: unknown) => continueLater(unit.wrap(later)) } : {}),
    });
  }
  const decisionDeps = { ...deps, alarms: cloudwatchLookups(deps.clients.cloudwatch) };
  const trigger = isStartRequest(event) ? undefined : triggerOf(event, deployedTriggers(deps));
  let decisions: Decision[];
  if (trigger?.split && deps.continueLater) {
    const [now, later] = trigger.split(trigger.parse(event), eventPageSize);
    if (later) await deps.continueLater(later);
    decisions = decideTriggered(trigger, now, decisionDeps);
  } else {
    decisions = await decideEvent(event, decisionDeps);
  }
  const outcomes: DispatchOutcome[] = [];
  for (const decision of decisions) outcomes.push(await act(decision, deps));
  return outcomes;
}
