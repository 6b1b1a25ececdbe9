import * as z from 'zod/mini';
import { InvalidInputError } from './errors.js';
import { problemsOf } from './parse-input.js';
import { accountId } from './schemas.js';
import { environments } from './step-deps.js';
import { regionPattern } from './targets.js';

/**
 * Where a step acts and for whom, added to every Task's payload (`taskStep`) from the execution's
 * dispatch context: the target's account, region and environment (whose approval policy and
 * budget of automated change the step follows), the execution (the session name when the step
 * assumes the spoke role there) and who asked (its source identity).
 */
export const actingInSchema = z.object({
  account: accountId(),
  region: z.string().check(z.regex(regionPattern, 'is not a region')),
  environment: z.enum(environments),
  execution: z.string().check(z.minLength(1), z.maxLength(80)),
  requestedBy: z.string().check(z.minLength(1), z.maxLength(512)),
});

export type ActingIn = z.infer<typeof actingInSchema>;

/** The payload's field that carries it. */
export const actingInField = 'actingIn';

/**
 * A Task's payload split into the step's own input and where it acts. Payloads without it (an
 * execution started before the field existed) act in the platform's own account.
 */
export function splitActingIn(payload: unknown): { readonly input: unknown; readonly actingIn?: ActingIn } {
  if (typeof payload !== 'object' || payload === null || !(actingInField in payload))
    return { input: payload };
  const { [actingInField]: given, ...input } = payload as Record<string, unknown>;
  const parsed = actingInSchema.safeParse(given);
  if (!parsed.success) {
    throw new InvalidInputError(
      `the step's ${actingInField} is invalid: ${problemsOf(parsed.error, given, actingInField)}`,
    );
  }
  return { input, actingIn: parsed.data };
}
