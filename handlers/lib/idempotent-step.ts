import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';

/** What idempotency needs of a function's deps: its DynamoDB client and table, and its time left. */
export interface IdempotencyDeps {
  readonly clients: { readonly dynamodb: DynamoDBClient };
  readonly idempotencyTable: string;
  readonly remainingTimeMs: () => number;
}

/** How long a step's result is remembered: longer than any runbook runs. */
const rememberSeconds = 24 * 3600;

/**
 * Makes a step with side effects idempotent with Powertools' DynamoDB persistence: a retried
 * invocation with the same key (by Step Functions or Lambda) returns the stored result instead of
 * acting twice; a concurrent duplicate fails with IdempotencyAlreadyInProgressError; a failure
 * stores nothing, so a retry acts. The key is `eventKeyJmesPath` over the step's input, e.g. the
 * execution id. Wrapping the core (not only the Lambda entry) lets game days exercise it too.
 */
export function idempotentStep<I, O, D>(
  step: string,
  core: (input: I, deps: D) => Promise<O>,
  eventKeyJmesPath: string,
): (input: I, deps: D & IdempotencyDeps) => Promise<O> {
  // One persistence layer (and wrapped function) per DynamoDB client and table: the layer keeps the
  // first configuration it sees.
  const wrapped = new WeakMap<
    DynamoDBClient,
    Map<string, { fn: (input: I, deps: D & IdempotencyDeps) => Promise<O>; config: IdempotencyConfig }>
  >();
  return (input, deps) => {
    let byTable = wrapped.get(deps.clients.dynamodb);
    if (!byTable) {
      byTable = new Map();
      wrapped.set(deps.clients.dynamodb, byTable);
    }
    let entry = byTable.get(deps.idempotencyTable);
    if (!entry) {
      const config = new IdempotencyConfig({
        eventKeyJmesPath,
        throwOnNoIdempotencyKey: true,
        expiresAfterSeconds: rememberSeconds,
      });
      const fn = makeIdempotent((stepInput: I, stepDeps: unknown) => core(stepInput, stepDeps as D), {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: deps.idempotencyTable,
          awsSdkV3Client: deps.clients.dynamodb,
        }),
        config,
        keyPrefix: `lambda-runbooks.${step}`,
        dataIndexArgument: 0,
      }) as (input: I, deps: D & IdempotencyDeps) => Promise<O>;
      entry = { fn, config };
      byTable.set(deps.idempotencyTable, entry);
    }
    // Only the remaining time is read from the context: the in-progress record expires with the invocation.
    entry.config.registerLambdaContext({ getRemainingTimeInMillis: deps.remainingTimeMs } as Context);
    return entry.fn(input, deps);
  };
}
