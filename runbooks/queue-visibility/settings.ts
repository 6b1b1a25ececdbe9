import { GetQueueAttributesCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import { type QueueSettings, redrivePolicySchema } from './contract.js';

/** The attributes this runbook reads and sets. */
export const settingNames = ['VisibilityTimeout', 'RedrivePolicy'] satisfies QueueAttributeName[];

/** The settings in a GetQueueAttributes answer (SQS's default visibility timeout is 30 s). */
export function settingsOf(attributes: Readonly<Record<string, string>>): QueueSettings {
  return {
    VisibilityTimeout: attributes.VisibilityTimeout ?? '30',
    ...(attributes.RedrivePolicy ? { RedrivePolicy: attributes.RedrivePolicy } : {}),
  };
}

/** The queue's settings as SQS holds them now. */
export async function readSettings(sqs: SQSClient, queueUrl: string): Promise<QueueSettings> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: settingNames }),
  );
  return settingsOf(Attributes);
}

/**
 * Whether two readings of a queue's settings are the same: SQS answers the redrive policy as JSON
 * whose maxReceiveCount may be a number or a string, so the policy is compared by its fields.
 */
export function sameSettings(a: QueueSettings, b: QueueSettings): boolean {
  const redrive = (s: QueueSettings) => {
    if (s.RedrivePolicy === undefined) return '';
    const { deadLetterTargetArn, maxReceiveCount } = redrivePolicySchema.parse(JSON.parse(s.RedrivePolicy));
    return `${deadLetterTargetArn} ${maxReceiveCount}`;
  };
  return Number(a.VisibilityTimeout) === Number(b.VisibilityTimeout) && redrive(a) === redrive(b);
}
