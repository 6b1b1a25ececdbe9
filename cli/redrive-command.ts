import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { redriveFailedInvocations } from './redrive-failed.js';

/** `runbook redrive-failed-dispatches --queue <url> [--dry-run]`, with the usual AWS credentials. */
export async function redriveCommand(options: {
  readonly queue: string | undefined;
  readonly region: string | undefined;
  readonly dryRun: boolean;
  readonly json: boolean;
}): Promise<number> {
  if (!options.queue)
    throw new InvalidInputError(
      'redrive-failed-dispatches needs --queue <url> (the stack output FailedInvocationsQueueUrl)',
    );
  const region = options.region ?? /^https:\/\/sqs\.([a-z0-9-]+)\./.exec(options.queue)?.[1];
  const clients = lazyClients({ sqs: SQSClient, lambda: LambdaClient }, region ? { region } : {});
  const entries = await redriveFailedInvocations(clients, options.queue, {
    dryRun: options.dryRun,
    max: 1000,
  });
  if (options.json) console.log(JSON.stringify(entries, null, 2));
  else {
    for (const e of entries)
      console.log(`${e.action.padEnd(9)} ${e.functionName ?? '-'} (${e.condition ?? '?'}): ${e.reason}`);
    console.log(`${entries.filter((e) => e.action === 'redriven').length} of ${entries.length} sent back`);
  }
  return entries.some((e) => e.action === 'skipped') ? 1 : 0;
}
