import { type QueueSettings, redrivePolicySchema } from './contract.js';

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
