import * as z from 'zod/mini';
import { executionNameOf } from '../lib/alarm-routing.js';
import { InvalidInputError } from '../lib/errors.js';
import { problemsOf } from '../lib/parse-input.js';
import { nonEmptyString, timestampString } from '../lib/schemas.js';
import { admit, type Decision, type DecisionDeps, foreignProblem, refuse } from './decision.js';

/** The runbook that recovers a secret whose rotation failed. */
const recoveryRunbook = 'secret-rotation';

// An ARN's name part is followed by a dash and six random characters.
const secretArn =
  /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]{1,512})-[A-Za-z0-9]{6}$/;

/**
 * Secrets Manager's RotationFailed service event, as CloudTrail records it and EventBridge delivers
 * it (https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieve-ct-entries.html): the
 * secret's ARN is in `additionalEventData.SecretId`.
 */
const rotationFailedEventSchema = z.object({
  id: nonEmptyString(),
  source: z.literal('aws.secretsmanager'),
  'detail-type': z.literal('AWS Service Event via CloudTrail'),
  account: z.string().check(z.regex(/^\d{12}$/)),
  region: nonEmptyString(),
  time: timestampString(),
  detail: z.looseObject({
    eventSource: z.literal('secretsmanager.amazonaws.com'),
    eventName: z.literal('RotationFailed'),
    errorMessage: z.optional(z.string()),
    additionalEventData: z.looseObject({
      SecretId: z.string().check(z.regex(secretArn, 'is not a secret ARN')),
    }),
  }),
});

/** Whether an event sent to the dispatcher comes from Secrets Manager. */
export function isSecretsManagerEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as { source?: unknown }).source === 'aws.secretsmanager'
  );
}

/**
 * What a failed rotation starts: the secret-rotation runbook on the secret, once per event (the
 * execution name derives from the event id) and through the same lease and cool-down as alarms: a
 * failure of the runbook's own rotation finds the secret locked by it. Anything else is refused.
 */
export function decideRotationFailure(
  rawEvent: unknown,
  deps: Pick<DecisionDeps, 'config' | 'now'>,
): Decision {
  const parsed = rotationFailedEventSchema.safeParse(rawEvent);
  if (!parsed.success)
    throw new InvalidInputError(`not a RotationFailed event: ${problemsOf(parsed.error, rawEvent)}`);
  const event = parsed.data;
  const foreign = foreignProblem(event, deps.config);
  if (foreign) return refuse(recoveryRunbook, null, foreign, 'ForeignEvents');
  const arn = event.detail.additionalEventData.SecretId;
  const [, region, account, name = ''] = secretArn.exec(arn) ?? [];
  if (region !== event.region || account !== event.account)
    throw new InvalidInputError(
      `secret ${arn} is not in the event's account ${event.account} and region ${event.region}`,
    );
  return admit(
    {
      runbook: recoveryRunbook,
      target: { kind: 'secret', secretName: name },
      executionName: executionNameOf(recoveryRunbook, name, new Date(event.time), event.id),
      input: {
        rotationFailed: {
          secretId: arn,
          failedAt: event.time,
          ...(event.detail.errorMessage ? { errorMessage: event.detail.errorMessage.slice(0, 500) } : {}),
        },
      },
      reason: `rotation of ${name} failed`,
    },
    { requestedBy: 'secrets-manager', force: false },
    'event',
    deps,
  );
}
