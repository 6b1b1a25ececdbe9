import { PublishCommand } from '@aws-sdk/client-sns';
import type { StepDeps } from './step-deps.js';

/** Publishes a message for people to an SNS topic; returns its message id. */
export async function notify(
  deps: Pick<StepDeps<'sns'>, 'clients'>,
  topicArn: string,
  subject: string,
  body: Readonly<Record<string, unknown>>,
): Promise<string> {
  const published = await deps.clients.sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      // SNS subjects are limited to 100 printable ASCII characters.
      Subject: subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
      Message: JSON.stringify(body, null, 2),
    }),
  );
  return published.MessageId ?? '';
}
