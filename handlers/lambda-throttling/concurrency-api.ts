import {
  DeleteFunctionConcurrencyCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetEventSourceMappingCommand,
  GetFunctionConcurrencyCommand,
  GetProvisionedConcurrencyConfigCommand,
  type LambdaClient,
  ProvisionedConcurrencyConfigNotFoundException,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { ChangeKind } from '../lib/audit-trail.js';
import type { AwsResponse } from '../lib/request-ids.js';
import type { ConcurrencyChange } from './contract.js';

/** The value a change's setting has now: reserved, provisioned or a mapping's maximum concurrency (null: unset). */
export async function currentValue(lambda: LambdaClient, change: ConcurrencyChange): Promise<number | null> {
  switch (change.kind) {
    case 'reserved-concurrency': {
      const answer = await lambda.send(
        new GetFunctionConcurrencyCommand({ FunctionName: change.functionName }),
      );
      return answer.ReservedConcurrentExecutions ?? null;
    }
    case 'provisioned-concurrency':
      try {
        const answer = await lambda.send(
          new GetProvisionedConcurrencyConfigCommand({
            FunctionName: change.functionName,
            Qualifier: change.qualifier,
          }),
        );
        return answer.RequestedProvisionedConcurrentExecutions ?? null;
      } catch (error) {
        if (error instanceof ProvisionedConcurrencyConfigNotFoundException) return null;
        throw error;
      }
    case 'event-source-max-concurrency': {
      const answer = await lambda.send(new GetEventSourceMappingCommand({ UUID: change.uuid }));
      return answer.ScalingConfig?.MaximumConcurrency ?? null;
    }
  }
}

/** Sets a change's setting to `value` (null: removes it, as the setting was before a first change). */
export async function setValue(
  lambda: LambdaClient,
  change: ConcurrencyChange,
  value: number | null,
): Promise<AwsResponse> {
  const FunctionName = change.functionName;
  switch (change.kind) {
    case 'reserved-concurrency':
      return value === null
        ? lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName }))
        : lambda.send(
            new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: value }),
          );
    case 'provisioned-concurrency':
      return value === null
        ? lambda.send(
            new DeleteProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier: change.qualifier }),
          )
        : lambda.send(
            new PutProvisionedConcurrencyConfigCommand({
              FunctionName,
              Qualifier: change.qualifier,
              ProvisionedConcurrentExecutions: value,
            }),
          );
    case 'event-source-max-concurrency':
      // An empty scaling configuration removes the maximum (AWS::Lambda::EventSourceMapping ScalingConfig).
      return lambda.send(
        new UpdateEventSourceMappingCommand({
          UUID: change.uuid,
          ScalingConfig: value === null ? {} : { MaximumConcurrency: value },
        }),
      );
  }
}

/** The kind of change a concurrency change is, for the controls it evidences. */
export function changeKindOf(change: ConcurrencyChange): ChangeKind {
  return change.kind === 'provisioned-concurrency' ? 'provisioned-concurrency' : 'concurrency-change';
}

/** What an audit record names as the thing changed. */
export function changedResource(change: ConcurrencyChange): string {
  switch (change.kind) {
    case 'reserved-concurrency':
      return `${change.functionName} reserved concurrency`;
    case 'provisioned-concurrency':
      return `${change.functionName}:${change.qualifier} provisioned concurrency`;
    case 'event-source-max-concurrency':
      return `${change.functionName} event source ${change.uuid} maximum concurrency`;
  }
}
