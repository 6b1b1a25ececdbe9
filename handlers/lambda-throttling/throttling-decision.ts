import type { Environment } from '../lib/step-deps.js';
import { describeChange, restoreCommand } from './concurrency-change.js';
import type {
  ConcurrencyChange,
  ConcurrencyEvidence,
  ThrottlingCause,
  ThrottlingDecision,
  ThrottlingGuardrails,
} from './contract.js';

/** What a decision needs beyond the evidence. */
export interface Context {
  readonly e: ConcurrencyEvidence;
  readonly g: ThrottlingGuardrails;
  readonly environment: Environment;
  /** What the unreserved pool can give up and still keep Lambda's minimum plus the margin. */
  readonly room: number;
  readonly reasoning: string[];
}

export const escalate = (
  c: Context,
  cause: ThrottlingCause,
  why: string,
  extra: Partial<ThrottlingDecision> = {},
): ThrottlingDecision => ({
  cause,
  action: 'escalate',
  reasoning: [...c.reasoning, why],
  reason: why,
  summary: `Escalate (${cause}): ${why}`,
  approval: 'human',
  verifyFunction: c.e.fn?.functionName ?? null,
  ...extra,
});

export function changing(
  c: Context,
  cause: ThrottlingCause,
  change: ConcurrencyChange,
  why: string,
): ThrottlingDecision {
  // Changing another function's concurrency is never automatic.
  const approval = cause === 'noisy-neighbour' ? 'human' : c.g.approval[c.environment];
  // A reservation comes out of the unreserved pool, and so does provisioned concurrency on a
  // function without one (changes are only ever provisioned on the target); a mapping's cap does not.
  const drawsOnPool =
    change.kind === 'reserved-concurrency' ||
    (change.kind === 'provisioned-concurrency' && c.e.fn?.reserved === null);
  const unreservedAfter = c.e.account.unreserved - (drawsOnPool ? change.to - (change.from ?? 0) : 0);
  return {
    cause,
    action: 'change',
    reasoning: [...c.reasoning, why],
    reason: why,
    summary: `${cause}: ${describeChange(change)}; unreserved concurrency stays at ${unreservedAfter}`,
    approval,
    verifyFunction: c.e.fn?.functionName ?? null,
    change,
    restoreCommand: restoreCommand(change),
    unreservedAfter,
  };
}
