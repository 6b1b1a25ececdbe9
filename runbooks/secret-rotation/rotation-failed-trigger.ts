import * as z from 'zod/mini';
import { defineTrigger } from '../../handlers/dispatcher/event-trigger.js';
import { InvalidInputError } from '../../handlers/lib/errors.js';
import { problemsOf } from '../../handlers/lib/parse-input.js';
import { nonEmptyString, timestampString } from '../../handlers/lib/schemas.js';

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

/**
 * A failed rotation starts the secret-rotation runbook on the secret, once per event, through the
 * same lease and cool-down as alarms: a failure of the runbook's own rotation finds the secret
 * locked by it. The rule only passes the secrets the deployment rotates.
 */
export const trigger = defineTrigger({
  runbook: 'secret-rotation',
  module: import.meta.url,
  description: 'Secrets Manager RotationFailed events of the secrets the deployment rotates',
  requestedBy: 'secrets-manager',
  pattern: {
    source: ['aws.secretsmanager'],
    'detail-type': ['AWS Service Event via CloudTrail'],
    detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['RotationFailed'] },
  },
  resources: { path: ['additionalEventData', 'SecretId'], kind: 'rotated-secrets' },
  parse(rawEvent) {
    const parsed = rotationFailedEventSchema.safeParse(rawEvent);
    if (!parsed.success)
      throw new InvalidInputError(`not a RotationFailed event: ${problemsOf(parsed.error, rawEvent)}`);
    return parsed.data;
  },
  answer(event) {
    const arn = event.detail.additionalEventData.SecretId;
    const [, region, account, name = ''] = secretArn.exec(arn) ?? [];
    if (region !== event.region || account !== event.account)
      throw new InvalidInputError(
        `secret ${arn} is not in the event's account ${event.account} and region ${event.region}`,
      );
    return [
      {
        start: {
          target: { kind: 'secret', secretName: name },
          name,
          onceKey: event.id,
          input: {
            rotationFailed: {
              secretId: arn,
              failedAt: event.time,
              ...(event.detail.errorMessage ? { errorMessage: event.detail.errorMessage.slice(0, 500) } : {}),
            },
          },
          reason: `rotation of ${name} failed`,
        },
      },
    ];
  },
});
