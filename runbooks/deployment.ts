import type { DeployedRunbook } from '../handlers/dispatcher/dispatcher-config.js';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import { parameterKindsOf } from '../handlers/lib/start-parameters.js';
import type { Runbook } from './runbook.js';

/** How much longer than a runbook's timeout its lease lasts, should nothing release it. */
const leaseMarginSeconds = 900;

/** What the dispatcher needs to know of a runbook deployed as the state machine `stateMachineArn`. */
export function deployedRunbook(runbook: Runbook, stateMachineArn: string): DeployedRunbook {
  return {
    stateMachineArn,
    targets: [...runbook.targets],
    locks: [...runbook.locks],
    alarms: runbook.trigger.metrics.length > 0,
    parameters: parameterKindsOf(runbook.parameters),
    leaseSeconds: runbook.timeoutSeconds + leaseMarginSeconds,
    cooldownSeconds: runbook.cooldownSeconds,
  };
}

/** The event triggers of some runbooks: what the dispatcher carries for them. */
export function eventTriggersOf(runbooks: readonly Runbook[]): EventTrigger[] {
  return runbooks.flatMap((runbook) => runbook.trigger.events ?? []);
}
