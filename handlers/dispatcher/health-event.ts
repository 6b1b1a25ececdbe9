import * as z from 'zod/mini';
import { executionNameOf } from '../lib/alarm-routing.js';
import { InvalidInputError } from '../lib/errors.js';
import { problemsOf } from '../lib/parse-input.js';
import { nonEmptyString, timestampString } from '../lib/schemas.js';
import { parseTarget } from '../lib/targets.js';
import { type DispatcherDeps, deployedRunbookOf } from './dispatcher-config.js';
import { type DispatchOutcome, ignored, launch } from './launch.js';
import type { ManualStartInput } from './manual-start.js';

/** The runbook that moves functions off a deprecated runtime. */
const upgradeRunbook = 'runtime-upgrade';

const functionArn = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})$/;

/**
 * An AWS Health scheduled change for Lambda, as EventBridge delivers it
 * (https://docs.aws.amazon.com/health/latest/ug/aws-health-concepts-and-terms.html): the affected
 * functions are `affectedEntities`. Runtime deprecations are announced as planned lifecycle
 * events; event type codes about runtimes or lifecycles are taken, others refused.
 */
const healthEventSchema = z.object({
  id: nonEmptyString(),
  source: z.literal('aws.health'),
  'detail-type': z.literal('AWS Health Event'),
  account: z.string().check(z.regex(/^\d{12}$/)),
  region: nonEmptyString(),
  time: timestampString(),
  detail: z.looseObject({
    service: z.literal('LAMBDA'),
    eventTypeCategory: z.literal('scheduledChange'),
    eventTypeCode: z.string().check(z.regex(/RUNTIME|PLANNED_LIFECYCLE/, 'is not about Lambda runtimes')),
    affectedEntities: z.array(z.looseObject({ entityValue: z.string() })).check(z.maxLength(100)),
  }),
});

export function isHealthEvent(event: unknown): boolean {
  return (
    typeof event === 'object' && event !== null && (event as { source?: unknown }).source === 'aws.health'
  );
}

/**
 * Starts runtime-upgrade on each function an AWS Health runtime notice names (in the event's own
 * account and region), each once per event and under its own lease; it moves the function to the
 * newest supported runtime of its family. Entities that are not such functions are skipped.
 */
export async function dispatchHealthEvent(
  rawEvent: unknown,
  deps: DispatcherDeps,
): Promise<DispatchOutcome[]> {
  const parsed = healthEventSchema.safeParse(rawEvent);
  if (!parsed.success)
    throw new InvalidInputError(`not an AWS Health runtime notice: ${problemsOf(parsed.error, rawEvent)}`);
  const event = parsed.data;
  if (!deployedRunbookOf(deps.config, upgradeRunbook))
    return [ignored(null, null, `${upgradeRunbook} is not deployed`, 'IgnoredHealthEvents', deps)];
  const outcomes: DispatchOutcome[] = [];
  for (const { entityValue } of event.detail.affectedEntities) {
    const [, region, account, name] = functionArn.exec(entityValue) ?? [];
    if (!name || region !== event.region || account !== event.account) {
      outcomes.push(
        ignored(
          upgradeRunbook,
          null,
          `${entityValue} is not a function of this account and region`,
          'IgnoredHealthEvents',
          deps,
        ),
      );
      continue;
    }
    const target = `lambda:${name}`;
    const input: ManualStartInput = {
      manualStart: { target, parameters: {}, requestedBy: 'aws-health', requestedAt: event.time },
    };
    outcomes.push(
      await launch(
        {
          runbook: upgradeRunbook,
          target: parseTarget(target),
          executionName: executionNameOf(upgradeRunbook, name, new Date(event.time), `${event.id}|${name}`),
          input: { ...input },
          reason: `AWS Health: ${event.detail.eventTypeCode}`,
        },
        deps,
        { requestedBy: 'aws-health', force: false },
      ),
    );
  }
  return outcomes;
}
