import { ChangeMessageVisibilityBatchCommand, type Message } from '@aws-sdk/client-sqs';

/** One batch call that hides each received message for its number of seconds (0: visible again at once). */
export function visibilityChanges(
  queueUrl: string,
  changes: readonly { readonly message: Message; readonly seconds: number }[],
): ChangeMessageVisibilityBatchCommand {
  return new ChangeMessageVisibilityBatchCommand({
    QueueUrl: queueUrl,
    Entries: changes.map((change, i) => ({
      Id: String(i),
      ReceiptHandle: change.message.ReceiptHandle ?? '',
      VisibilityTimeout: change.seconds,
    })),
  });
}
