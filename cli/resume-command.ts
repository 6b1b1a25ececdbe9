import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { ChangeBudget } from '../handlers/lib/change-budget.js';
import { InvalidInputError } from '../handlers/lib/errors.js';

/**
 * `runbook resume --table <lease table> --by <person> [--region <r>]`: resumes automatic
 * remediation after the circuit breaker paused it, with the usual AWS credentials. Who resumed it
 * and when are kept on the breaker's item (and the call in CloudTrail).
 */
export async function resumeCommand(options: {
  readonly table: string | undefined;
  readonly by: string | undefined;
  readonly region: string | undefined;
  readonly now?: () => Date;
}): Promise<number> {
  if (!options.table)
    throw new InvalidInputError('resume needs --table <name> (the stack output LeaseTableName)');
  if (!options.by?.trim())
    throw new InvalidInputError('resume needs --by <who resumes it>, kept with the breaker');
  const { dynamodb } = lazyClients(
    { dynamodb: DynamoDBClient },
    options.region ? { region: options.region } : {},
  );
  const budget = new ChangeBudget(dynamodb, options.table);
  const before = await budget.breaker();
  const after = await budget.resume(options.by.trim().slice(0, 100), (options.now ?? (() => new Date()))());
  console.log(
    before.paused
      ? `automatic remediation resumed by ${after.resumedBy} (paused since ${before.pausedAt}: ${before.reason})`
      : `automatic remediation was not paused; failures counted so far cleared by ${after.resumedBy}`,
  );
  return 0;
}
