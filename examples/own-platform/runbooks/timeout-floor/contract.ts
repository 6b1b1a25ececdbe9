import * as z from 'zod/mini';
import { nonEmptyString } from 'lambda-runbooks';

/** What starts the runbook: a person (`runbook start timeout-floor function=<name>`), through the dispatcher. */
export const inputSchema = z.looseObject({
  manualStart: z.looseObject({ target: nonEmptyString(), requestedBy: nonEmptyString() }),
  dispatch: z.optional(z.looseObject({ target: nonEmptyString() })),
});

/** What the check found and decided: the timeout the target holds, and what it should hold. */
export interface Check {
  readonly name: string;
  readonly value: number;
  readonly minimum: number;
  readonly action: 'change' | 'none';
  readonly approval: 'auto' | 'human';
  readonly summary: string;
}
