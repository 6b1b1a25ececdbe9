import * as z from 'zod/mini';
import { executionNameOf } from '../lib/alarm-routing.js';
import { InvalidInputError } from '../lib/errors.js';
import { problemsOf } from '../lib/parse-input.js';
import { nonEmptyString, timestampString } from '../lib/schemas.js';
import { parseTarget } from '../lib/targets.js';
import { admit, type Decision, type DecisionDeps, foreignProblem, refuse } from './decision.js';
import type { ManualStartInput } from './manual-start.js';

/** The runbook that moves functions off a deprecated runtime. */
const upgradeRunbook = 'runtime-upgrade';

const functionArn = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})$/;

/**
 * An AWS Health scheduled change for Lambda, as EventBridge delivers it
 * (https://docs.aws.amazon.com/health/latest/ug/aws-health-concepts-and-terms.html): the affected
 * functions are `affectedEntities`, each with a status (RESOLVED ones need nothing more). One notice
 * can name many functions, and AWS pages long lists over several events (`page`, `totalPages`).
 * Runtime deprecations are announced as planned lifecycle events; event type codes about runtimes
 * or lifecycles are taken, others refused.
 */
const healthEventSchema = z.object({
  id: nonEmptyString(),
  source: z.literal('aws.health'),
  'detail-type': z.literal('AWS Health Event'),
  account: z.string().check(z.regex(/^\d{12}$/, 'is not a 12-digit account id')),
  region: nonEmptyString(),
  time: timestampString(),
  detail: z.looseObject({
    service: z.literal('LAMBDA'),
    eventTypeCategory: z.literal('scheduledChange'),
    eventTypeCode: z.string().check(z.regex(/RUNTIME|PLANNED_LIFECYCLE/, 'is not about Lambda runtimes')),
    affectedEntities: z.array(z.looseObject({ entityValue: z.string(), status: z.optional(z.string()) })),
  }),
});

export type HealthEvent = z.infer<typeof healthEventSchema>;

export function isHealthEvent(event: unknown): boolean {
  return (
    typeof event === 'object' && event !== null && (event as { source?: unknown }).source === 'aws.health'
  );
}

/** Parses an AWS Health runtime notice; the error names every wrong field. */
export function parseHealthEvent(rawEvent: unknown): HealthEvent {
  const parsed = healthEventSchema.safeParse(rawEvent);
  if (!parsed.success)
    throw new InvalidInputError(`not an AWS Health runtime notice: ${problemsOf(parsed.error, rawEvent)}`);
  return parsed.data;
}

/**
 * What an AWS Health runtime notice starts: runtime-upgrade on each function of this account and
 * region it names that is still affected, each once per notice (the execution name derives from the
 * notice and the function) and under its own lease; it moves the function to the newest supported
 * runtime of its family. Entities that are not such functions, or are resolved, are refused.
 */
export function decideHealthEvent(
  event: HealthEvent,
  deps: Pick<DecisionDeps, 'config' | 'now'>,
): Decision[] {
  const foreign = foreignProblem(event, deps.config);
  if (foreign) return [refuse(upgradeRunbook, null, foreign, 'ForeignEvents')];
  return event.detail.affectedEntities.map(({ entityValue, status }) => {
    const [, region, account, name] = functionArn.exec(entityValue) ?? [];
    if (!name || region !== event.region || account !== event.account) {
      return refuse(
        upgradeRunbook,
        null,
        `${entityValue.slice(0, 200)} is not a function of this account and region`,
        'IgnoredHealthEvents',
      );
    }
    const target = `lambda:${name}`;
    if (status !== undefined && status !== 'PENDING' && status !== 'OPEN')
      return refuse(
        upgradeRunbook,
        target,
        `${target} is ${status.slice(0, 30)} in the notice: nothing to do`,
        'ResolvedHealthEntities',
      );
    const input: ManualStartInput = {
      manualStart: { target, parameters: {}, requestedBy: 'aws-health', requestedAt: event.time },
    };
    return admit(
      {
        runbook: upgradeRunbook,
        target: parseTarget(target),
        executionName: executionNameOf(upgradeRunbook, name, new Date(event.time), `${event.id}|${name}`),
        input: { ...input },
        reason: `AWS Health: ${event.detail.eventTypeCode}`,
      },
      { requestedBy: 'aws-health', force: false },
      'event',
      deps,
    );
  });
}
