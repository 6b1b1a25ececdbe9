/**
 * What a step found that keeps its runbook from going on, in words, for the escalation to say. A
 * step that judges (a configuration update, a smoke test, a canary, a rotation, a verification) sets
 * `problem` only when there is one; `escalate` reads it from the execution's state, so a runbook of
 * any kind explains its escalations without the escalation knowing the runbook.
 */
export interface Finding {
  readonly problem?: string;
}

/** `{ problem }` when `found`, else nothing: spread into a step's result. */
export function problemIf(found: boolean, problem: () => string): Finding {
  return found ? { problem: problem() } : {};
}
