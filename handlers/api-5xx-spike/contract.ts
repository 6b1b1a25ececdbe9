import * as z from 'zod/mini';
import { approvalModes } from '../lib/approval-mode.js';
import { positiveInt, share } from '../lib/schemas.js';
import { environments } from '../lib/step-deps.js';

/**
 * Bounds on what the 5XX runbook may do, declared in the runbook's metadata and carried in the
 * state machine definition so every execution shows the rules it ran under.
 */
export const spikeGuardrailsSchema = z.object({
  /** A version published this many minutes or less before the alarm is a suspect. */
  suspectWindowMinutes: positiveInt(),
  /** Approval per environment. */
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
  /** How long each approver group has to answer before the next is asked (the last: the runbook escalates). */
  approvalTimeoutSeconds: positiveInt(),
  /** After the rollback, the error rate under which the alias counts as recovered. */
  recoveredErrorRate: share(),
  /** Verification checks (one per wait) before the runbook gives up and escalates. */
  maxVerifyChecks: positiveInt(),
});

export type SpikeGuardrails = z.infer<typeof spikeGuardrailsSchema>;
