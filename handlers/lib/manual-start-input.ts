import * as z from 'zod/mini';
import { nonEmptyString } from './schemas.js';

/**
 * A start a person or a schedule asked for (`/runbook start <runbook> <kind>=<target> [name=value …]`),
 * as the dispatcher hands it to the execution once it checked the target and the parameters.
 */
export const manualStartSchema = z.looseObject({
  manualStart: z.looseObject({
    target: nonEmptyString(),
    parameters: z._default(z.record(z.string(), z.string()), {}),
    requestedBy: nonEmptyString(),
  }),
});
