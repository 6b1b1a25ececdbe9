import * as z from 'zod/mini';
import { nonEmptyString } from '../../handlers/lib/schemas.js';

/**
 * What starts the runbook: a person (`runbook start queue-visibility queue=<name>`, or from the DLQ
 * replay's finding), with the dispatcher's context when it went through the dispatcher.
 */
export const queueVisibilityInputSchema = z.looseObject({
  manualStart: z.looseObject({
    target: nonEmptyString(),
    requestedBy: nonEmptyString(),
  }),
  dispatch: z.optional(z.looseObject({ target: nonEmptyString() })),
});
