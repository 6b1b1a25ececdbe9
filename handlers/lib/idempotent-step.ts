import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StepCore, StepDeps } from './step-deps.js';

/** How long a step's result is remembered: longer than any runbook runs. */
const rememberSeconds = 24 * 3600;

/**
 * Makes a step with side effects idempotent with Powertools' DynamoDB persistence: a retried
 * invocation with the same key (by Step Functions or Lambda) returns the stored result instead of
 * acting twice; a concurrent duplicate fails with IdempotencyAlreadyInProgressError; a failure
 * stores nothing, so a retry acts. The key is `eventKeyJmesPath` over the step's input, e.g. the
 * execution id. Wrapping the core (not only the Lambda entry) lets game days exercise it too.
 */
export function idempotentStep<I, O>(
  step: string,
  core: StepCore<I, O>,
  eventKeyJmesPath: string,
): StepCore<I, O> {
  // One persistence layer (and wrapped function) per DynamoDB client and table: the layer keeps the
  // first configuration it sees.
  const wrapped = new WeakMap<DynamoDBClient, Map<string, (input: I, deps: StepDeps) => Promise<O>>>();
  return (input, deps) => {
    let byTable = wrapped.get(deps.clients.dynamodb);
    if (!byTable) {
      byTable = new Map();
      wrapped.set(deps.clients.dynamodb, byTable);
    }
    let fn = byTable.get(deps.idempotencyTable);
    if (!fn) {
      fn = makeIdempotent((stepInput: I, stepDeps: StepDeps) => core(stepInput, stepDeps), {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: deps.idempotencyTable,
          awsSdkV3Client: deps.clients.dynamodb,
        }),
        config: new IdempotencyConfig({
          eventKeyJmesPath,
          throwOnNoIdempotencyKey: true,
          expiresAfterSeconds: rememberSeconds,
        }),
        keyPrefix: `lambda-runbooks.${step}`,
        dataIndexArgument: 0,
      }) as (input: I, deps: StepDeps) => Promise<O>;
      byTable.set(deps.idempotencyTable, fn);
    }
    return fn(input, deps);
  };
}
