import { alarmTriggerPattern } from '../handlers/dispatcher/trigger-patterns.js';
import { eventTriggersOf } from '../runbooks/deployment.js';
import type { Runbook } from '../runbooks/runbook.js';

/** An event pattern a workload account forwards to the hub, named for the rule that matches it. */
export interface ForwardedPattern {
  readonly name: string;
  readonly pattern: {
    readonly source: readonly string[];
    readonly 'detail-type': readonly string[];
    readonly detail?: Readonly<Record<string, unknown>>;
  };
}

/**
 * What the dispatcher reacts to in a workload account: alarm transitions into ALARM and the
 * runbooks' event triggers (Health changes, failed rotations), each pattern once.
 */
export function forwardedPatterns(runbooks: readonly Runbook[]): readonly ForwardedPattern[] {
  const patterns = [
    { name: 'Alarms', pattern: alarmTriggerPattern },
    ...eventTriggersOf(runbooks).map((trigger) => ({
      name: `${trigger.runbook}-${trigger.pattern.source[0]}`,
      pattern: trigger.pattern,
    })),
  ];
  const seen = new Set<string>();
  return patterns.filter(({ pattern }) => {
    const key = JSON.stringify(pattern);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
