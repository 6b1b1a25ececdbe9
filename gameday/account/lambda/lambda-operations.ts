import type {
  DeleteFunctionConcurrencyCommandInput,
  DeleteProvisionedConcurrencyConfigCommandInput,
  GetFunctionConcurrencyCommandInput,
  GetFunctionEventInvokeConfigCommandInput,
  GetProvisionedConcurrencyConfigCommandInput,
  ListProvisionedConcurrencyConfigsCommandInput,
  PutFunctionConcurrencyCommandInput,
  PutProvisionedConcurrencyConfigCommandInput,
} from '@aws-sdk/client-lambda';
import type { SimulatedOperations } from '../sdk-binding.js';
import type { VirtualClock } from '../virtual-clock.js';
import { FunctionListings } from './function-listings.js';
import { invalid, notFound } from './lambda-errors.js';
import type { SimulatedLambda } from './simulated-lambda.js';

/** The Lambda API the platform calls, answered by the simulated Lambda. */
export function lambdaOperations(lambda: SimulatedLambda, clock: VirtualClock): SimulatedOperations {
  const { concurrency, mappings } = lambda;
  const listings = new FunctionListings(lambda);
  const name = (input: { FunctionName?: string }) => lambda.fn(input.FunctionName ?? '').name;
  /** Provisioned concurrency goes on an alias or a published version, never on $LATEST. */
  const qualifier = (input: { FunctionName?: string; Qualifier?: string }) => {
    const fn = lambda.fn(input.FunctionName ?? '');
    const q = input.Qualifier ?? '';
    if (q === '$LATEST' || q === '')
      throw invalid('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    if (/^\d+$/.test(q)) lambda.version(fn, q);
    else lambda.alias(fn, q);
    return { functionName: fn.name, qualifier: q };
  };
  return {
    Invoke: (input) => lambda.code.invokeApi(input),
    GetAlias: (input) => lambda.getAlias(input),
    UpdateAlias: (input) => lambda.updateAlias(input),
    CreateAlias: (input) => lambda.createAlias(input),
    ListVersionsByFunction: (input) => listings.listVersionsByFunction(input),
    ListFunctions: (input) => listings.listFunctions(input),
    GetFunctionConfiguration: (input) => listings.getFunctionConfiguration(input),
    ListAliases: (input) => listings.listAliases(input),
    ListTags: (input) => listings.listTags(input),
    UpdateFunctionConfiguration: (input) => listings.updateFunctionConfiguration(input),
    PublishVersion: (input) => listings.publishVersion(input),
    ListEventSourceMappings: (input: { EventSourceArn?: string; FunctionName?: string }) =>
      mappings.list({
        ...(input.EventSourceArn ? { EventSourceArn: input.EventSourceArn } : {}),
        ...(input.FunctionName ? { FunctionArn: lambda.fn(input.FunctionName).arn } : {}),
      }),
    GetEventSourceMapping: (input: { UUID?: string }) => mappings.get(input.UUID),
    UpdateEventSourceMapping: (input) => mappings.update(input, clock.now()),
    GetAccountSettings: () => concurrency.getAccountSettings(),
    GetFunctionConcurrency: (input: GetFunctionConcurrencyCommandInput) => {
      const reserved = concurrency.reservedOf(name(input));
      return reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved };
    },
    PutFunctionConcurrency: (input: PutFunctionConcurrencyCommandInput) => ({
      ReservedConcurrentExecutions: concurrency.putReserved(
        name(input),
        input.ReservedConcurrentExecutions ?? -1,
      ),
    }),
    DeleteFunctionConcurrency: (input: DeleteFunctionConcurrencyCommandInput) => {
      concurrency.deleteReserved(name(input));
      return {};
    },
    ListProvisionedConcurrencyConfigs: (input: ListProvisionedConcurrencyConfigsCommandInput) => ({
      ProvisionedConcurrencyConfigs: concurrency.listProvisioned(name(input)),
    }),
    GetProvisionedConcurrencyConfig: (input: GetProvisionedConcurrencyConfigCommandInput) => {
      const { functionName, qualifier: q } = qualifier(input);
      return concurrency.describeProvisioned(concurrency.provisionedConfig(functionName, q));
    },
    PutProvisionedConcurrencyConfig: (input: PutProvisionedConcurrencyConfigCommandInput) => {
      const { functionName, qualifier: q } = qualifier(input);
      return concurrency.describeProvisioned(
        concurrency.putProvisioned(functionName, q, input.ProvisionedConcurrentExecutions ?? 0),
      );
    },
    DeleteProvisionedConcurrencyConfig: (input: DeleteProvisionedConcurrencyConfigCommandInput) => {
      const { functionName, qualifier: q } = qualifier(input);
      concurrency.deleteProvisioned(functionName, q);
      return {};
    },
    GetFunctionEventInvokeConfig: (input: GetFunctionEventInvokeConfigCommandInput) => {
      const config = concurrency.asyncConfigOf(name(input));
      if (!config) throw notFound(`The function ${input.FunctionName} doesn't have an EventInvokeConfig`);
      return {
        FunctionArn: lambda.fn(input.FunctionName ?? '').arn,
        MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds,
        MaximumRetryAttempts: config.maximumRetryAttempts,
        ...(config.onFailure ? { DestinationConfig: { OnFailure: { Destination: config.onFailure } } } : {}),
      };
    },
  };
}
