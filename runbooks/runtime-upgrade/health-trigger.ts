import * as z from 'zod/mini';
import { defineTrigger, type TriggerAnswer } from '../../handlers/dispatcher/event-trigger.js';
import type { ManualStartInput } from '../../handlers/dispatcher/manual-start.js';
import { InvalidInputError } from '../../handlers/lib/errors.js';
import { problemsOf } from '../../handlers/lib/parse-input.js';
import { nonEmptyString, timestampString } from '../../handlers/lib/schemas.js';

const runbook = 'runtime-upgrade';

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

type HealthEvent = z.infer<typeof healthEventSchema>;

/** The notice with only some of its entities. */
const withEntities = (event: HealthEvent, entities: HealthEvent['detail']['affectedEntities']) => ({
  ...event,
  detail: { ...event.detail, affectedEntities: entities },
});

/**
 * What an AWS Health runtime notice starts: runtime-upgrade on each function of the notice's account
 * and region it names that is still affected, each once per notice and under its own lease; it
 * moves the function to the newest supported runtime of its family. Entities that are not such
 * functions, or are resolved, are refused.
 */
function answer(event: HealthEvent): TriggerAnswer[] {
  return event.detail.affectedEntities.map(({ entityValue, status }): TriggerAnswer => {
    const [, region, account, name] = functionArn.exec(entityValue) ?? [];
    if (!name || region !== event.region || account !== event.account) {
      return {
        refuse: {
          target: null,
          reason: `${entityValue.slice(0, 200)} is not a function of this account and region`,
          metric: 'IgnoredHealthEvents',
        },
      };
    }
    const target = `lambda:${name}`;
    if (status !== undefined && status !== 'PENDING' && status !== 'OPEN')
      return {
        refuse: {
          target,
          reason: `${target} is ${status.slice(0, 30)} in the notice: nothing to do`,
          metric: 'ResolvedHealthEntities',
        },
      };
    const input: ManualStartInput = {
      manualStart: { target, parameters: {}, requestedBy: 'aws-health', requestedAt: event.time },
    };
    return {
      start: {
        target: { kind: 'function', functionName: name },
        name,
        onceKey: `${event.id}|${name}`,
        input: { ...input },
        reason: `AWS Health: ${event.detail.eventTypeCode}`,
      },
    };
  });
}

/** AWS Health's scheduled changes of Lambda (runtime deprecations) start runtime-upgrade. */
export const trigger = defineTrigger({
  runbook,
  module: import.meta.url,
  description: 'AWS Health scheduled changes of Lambda (runtime deprecations), for the functions they name',
  requestedBy: 'aws-health',
  pattern: {
    source: ['aws.health'],
    'detail-type': ['AWS Health Event'],
    detail: { service: ['LAMBDA'], eventTypeCategory: ['scheduledChange'] },
  },
  parse(rawEvent) {
    const parsed = healthEventSchema.safeParse(rawEvent);
    if (!parsed.success)
      throw new InvalidInputError(`not an AWS Health runtime notice: ${problemsOf(parsed.error, rawEvent)}`);
    return parsed.data;
  },
  answer,
  split: (event, first) => {
    const entities = event.detail.affectedEntities;
    return [
      withEntities(event, entities.slice(0, first)),
      entities.length > first ? withEntities(event, entities.slice(first)) : undefined,
    ];
  },
});
