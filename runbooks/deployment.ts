import type { DeployedRunbook } from '../handlers/dispatcher/dispatcher-config.js';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import type { ApprovalMode } from '../handlers/lib/approval-mode.js';
import {
  type ParameterKind,
  type ParameterSpec,
  parameterKindsOf,
} from '../handlers/lib/start-parameters.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { TargetKind } from '../handlers/lib/targets.js';
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

/** What the endpoints know of a runbook (the catalogue is deployed as data, not code). */
export interface CatalogueEntry {
  readonly id: string;
  readonly title: string;
  readonly approval: Readonly<Record<Environment, ApprovalMode>>;
  /** The kinds of target it acts on. */
  readonly targets: readonly TargetKind[];
  /** Parameters a person may give it when starting it, and their kind of value. */
  readonly parameters: Readonly<Record<string, ParameterKind>>;
}

/** The catalogue as the Slack endpoints hold it. */
export function catalogueEntries(
  runbooks: readonly {
    id: string;
    title: string;
    approval: CatalogueEntry['approval'];
    targets: readonly TargetKind[];
    parameters?: Readonly<Record<string, ParameterSpec>>;
  }[],
): CatalogueEntry[] {
  return runbooks.map((r) => ({
    id: r.id,
    title: r.title,
    approval: r.approval,
    targets: r.targets,
    parameters: parameterKindsOf(r.parameters),
  }));
}
