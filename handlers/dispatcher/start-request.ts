import * as z from 'zod/mini';
import { InvalidInputError } from '../lib/errors.js';
import { problemsOf } from '../lib/parse-input.js';
import { accountId, nonEmptyString } from '../lib/schemas.js';
import { parseTarget, regionPattern } from '../lib/targets.js';
import type { ManualStart } from './manual-start.js';

/**
 * A person's start request sent to the dispatcher function directly (`runbook start`, or
 * `aws lambda invoke`): who they are is what IAM let invoke the function, recorded as given.
 */
export const startRequestSchema = z.object({
  startRequest: z.object({
    runbook: nonEmptyString(),
    alarm: z.optional(nonEmptyString()),
    /** A target key: `lambda:<function>[:<alias>]`, `sqs:<queue>`, `secret:<name>`. */
    target: z.optional(nonEmptyString()),
    /** The workload account (and region) the target is in; default: the platform's own. */
    account: z.optional(accountId()),
    region: z.optional(z.string().check(z.regex(regionPattern, 'is not a region'))),
    parameters: z._default(
      z.record(z.string().check(z.regex(/^[a-zA-Z]+$/)), z.string().check(z.maxLength(256))),
      {},
    ),
    requestedBy: nonEmptyString(),
    /**
     * When the person asked (ISO 8601), stamped by the sender: a delivery Lambda retries names the
     * same run. Default: when the dispatcher reads it.
     */
    requestedAt: z.optional(z.iso.datetime()),
    force: z._default(z.boolean(), false),
  }),
});

export type StartRequest = z.input<typeof startRequestSchema>;

/** Whether an event sent to the dispatcher is a start request rather than an alarm state change. */
export function isStartRequest(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'startRequest' in event;
}

/** A start request as the manual start it asks for; refused with every wrong field named. */
export function manualStartOf(event: unknown): ManualStart {
  const parsed = startRequestSchema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`not a start request: ${problemsOf(parsed.error, event)}`);
  const { runbook, alarm, target, parameters, requestedBy, requestedAt, force, account, region } =
    parsed.data.startRequest;
  if ((alarm === undefined) === (target === undefined)) {
    throw new InvalidInputError('a start request names either an alarm or a target');
  }
  if (alarm !== undefined && (account !== undefined || region !== undefined))
    throw new InvalidInputError('account and region go with a target, not an alarm');
  if (region !== undefined && account === undefined) throw new InvalidInputError('region goes with account');
  const request = {
    runbook,
    requestedBy,
    force,
    ...(requestedAt === undefined ? {} : { requestedAt: new Date(requestedAt) }),
  };
  if (alarm !== undefined) return { ...request, alarmName: alarm };
  return {
    ...request,
    target: parseTarget(target ?? ''),
    parameters,
    ...(account === undefined ? {} : { where: { account, ...(region === undefined ? {} : { region }) } }),
  };
}
