import type { ResourceKind } from '../lib/define-step.js';
import type { Target } from '../lib/targets.js';

/**
 * An EventBridge event pattern naming one source and one detail type, and optionally fields of the
 * detail: the rule the CDK app deploys, and the simulated account's bus, match it.
 */
export interface TriggerPattern {
  readonly source: readonly [string];
  readonly 'detail-type': readonly [string];
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** What every EventBridge event carries, and the dispatcher reads of any. */
export interface EventEnvelope {
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly time: string;
}

/** One start an event asks for: the target, the execution input, and what makes it once only. */
export interface TriggeredStart {
  readonly target: Target;
  /** The target's name in the execution name (`<runbook>-<name>-<time>-<hash>`). */
  readonly name: string;
  /** Distinguishes this start from every other of the event: with the event's time, the execution name. */
  readonly onceKey: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly reason: string;
}

/** What an event asks for, resource by resource: a start, or a refusal with the metric that counts it. */
export type TriggerAnswer =
  | { readonly start: TriggeredStart }
  | { readonly refuse: { readonly target: string | null; readonly reason: string; readonly metric: string } };

/**
 * An AWS event that starts a runbook, declared in a module of the runbook's own and listed in its
 * declaration (`trigger.events`). The CDK app deploys a rule with its pattern targeting the
 * dispatcher, and bundles the module into the dispatcher (nothing else of the runbook); the
 * simulated account's bus matches the same pattern. Every start goes through the dispatcher's
 * checks, lease and cool-down like an alarm's. (Its functions are methods, so a trigger of one kind
 * of event serves where any trigger is listed.)
 */
export interface EventTrigger<E extends EventEnvelope = EventEnvelope> {
  /** The runbook it starts. */
  readonly runbook: string;
  /** `import.meta.url` of the module declaring it, which the dispatcher's bundle imports. */
  readonly module: string;
  /** What it reacts to, in words. */
  readonly description: string;
  /** Who the runs it starts are requested by, in the audit and the lease (`aws-health`, say). */
  readonly requestedBy: string;
  readonly pattern: TriggerPattern;
  /**
   * Narrows the rule to the deployment's resources of one kind: the detail field at `path` must be
   * one of their ARNs, and a deployment with none gets no rule.
   * @default every event the pattern matches
   */
  readonly resources?: { readonly path: readonly [string, ...string[]]; readonly kind: ResourceKind };
  /** The event, parsed; a malformed one raises InvalidInputError naming every wrong field. */
  parse(event: unknown): E;
  /** What the event asks for (the dispatcher has refused events of other accounts and regions). */
  answer(event: E): readonly TriggerAnswer[];
  /**
   * Splits an event naming many resources into the part one invocation starts and the rest, which
   * the dispatcher hands to a later invocation of itself.
   * @default the whole event in one invocation
   */
  split?(event: E, first: number): readonly [E, E | undefined];
}

/** Triggers the bundled dispatcher carries: the modules its bundle injects declare themselves here. */
const declared: EventTrigger[] = [];

/** Declares an event trigger (see `EventTrigger`); export it from its module as `trigger`. */
export function defineTrigger<E extends EventEnvelope>(trigger: EventTrigger<E>): EventTrigger<E> {
  const frozen = Object.freeze(trigger);
  declared.push(frozen);
  return frozen;
}

/** Every trigger declared in this process: in the dispatcher's bundle, the deployed runbooks'. */
export function declaredTriggers(): readonly EventTrigger[] {
  return declared;
}

/**
 * The trigger an event is for: the one whose source and detail type it has, else the one of its
 * source (whose parser then says what is wrong with it).
 */
export function triggerOf(event: unknown, triggers: readonly EventTrigger[]): EventTrigger | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { source, 'detail-type': detailType } = event as { source?: unknown; 'detail-type'?: unknown };
  const ofSource = triggers.filter((t) => t.pattern.source[0] === source);
  return ofSource.find((t) => t.pattern['detail-type'][0] === detailType) ?? ofSource[0];
}
