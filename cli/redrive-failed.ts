import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';

/**
 * The record Lambda sends an on-failure destination for an asynchronous invocation
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
const destinationRecordSchema = z.looseObject({
  version: z.string(),
  requestContext: z.looseObject({
    functionArn: z
      .string()
      .check(
        z.regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/),
      ),
    condition: z.string(),
  }),
  requestPayload: z.unknown(),
});

export interface RedriveEntry {
  readonly messageId: string;
  readonly functionName: string | null;
  readonly condition: string | null;
  readonly action: 'redriven' | 'listed' | 'skipped';
  readonly reason: string;
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>`: the queue's account and region. */
function queueHome(queueUrl: string): { region: string; account: string } {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.[^/]+\/(\d{12})\//.exec(queueUrl);
  return { region: match?.[1] ?? '', account: match?.[2] ?? '' };
}

/**
 * Sends the events in the platform's failed-invocations queue back to the functions that failed on
 * them (asynchronously, as they first arrived), deleting each once Lambda accepted it. Records that
 * are not Lambda's, or name a function of another account or region, are left where they are. With
 * `dryRun`, lists what would be sent and leaves everything.
 */
export async function redriveFailedInvocations(
  clients: { readonly sqs: SQSClient; readonly lambda: LambdaClient },
  queueUrl: string,
  options: { readonly dryRun: boolean; readonly max: number },
): Promise<RedriveEntry[]> {
  const home = queueHome(queueUrl);
  const entries: RedriveEntry[] = [];
  while (entries.length < options.max) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) break;
    const batch: RedriveEntry[] = [];
    for (const message of Messages) {
      const entry = await redriveOne(clients, queueUrl, home, message, options.dryRun);
      batch.push(entry);
      if (entry.action !== 'redriven') {
        // Left for people (or a later run): visible again at once rather than after the timeout.
        await clients.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: [{ Id: '0', ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }],
          }),
        );
      }
    }
    const seen = new Set(entries.map((e) => e.messageId));
    entries.push(...batch.filter((e) => !seen.has(e.messageId)));
    // What is left is what it may not send: reading on would only meet the same records again.
    if (!batch.some((e) => e.action === 'redriven')) break;
  }
  return entries;
}

async function redriveOne(
  clients: { readonly sqs: SQSClient; readonly lambda: LambdaClient },
  queueUrl: string,
  home: { region: string; account: string },
  message: { MessageId?: string; Body?: string; ReceiptHandle?: string },
  dryRun: boolean,
): Promise<RedriveEntry> {
  const messageId = message.MessageId ?? '';
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return { messageId, functionName: null, condition: null, action: 'skipped', reason: 'not JSON' };
  }
  const parsed = destinationRecordSchema.safeParse(body);
  if (!parsed.success)
    return {
      messageId,
      functionName: null,
      condition: null,
      action: 'skipped',
      reason: 'not a Lambda destination record',
    };
  const { functionArn, condition } = parsed.data.requestContext;
  const [, , , region, account, , name = ''] = functionArn.split(':');
  if (region !== home.region || account !== home.account)
    return {
      messageId,
      functionName: name,
      condition,
      action: 'skipped',
      reason: 'a function of another account or region',
    };
  if (dryRun) return { messageId, functionName: name, condition, action: 'listed', reason: 'dry run' };
  const qualifier = functionArn.split(':')[7];
  await clients.lambda.send(
    new InvokeCommand({
      FunctionName: functionArn.split(':').slice(0, 7).join(':'),
      ...(qualifier && qualifier !== '$LATEST' ? { Qualifier: qualifier } : {}),
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(parsed.data.requestPayload ?? {})),
    }),
  );
  await clients.sqs.send(
    new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
  );
  return { messageId, functionName: name, condition, action: 'redriven', reason: `sent back to ${name}` };
}
