import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Every AWS client a step may use. Steps receive these; they never construct their own. */
export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly apiGateway: APIGatewayClient;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  readonly sqs: SQSClient;
}

/** A client of any service: what a binding needs to attach middleware to it. */
export type AnyAwsClient = AwsClients[keyof AwsClients];

export interface AwsClientOptions {
  /** Region of the clients. Default: the Lambda environment's `AWS_REGION`. */
  readonly region?: string;
  /** Called with each client after construction, e.g. to bind it to another endpoint. */
  readonly configure?: (client: AnyAwsClient) => void;
}

/** Builds the SDK v3 clients for every step. The one place clients are created. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  // Middleware is only added at construction (tracing, the simulator binding), so the SDK may
  // resolve each command's stack once instead of on every request.
  const config = {
    cacheMiddleware: true,
    ...(options.region === undefined ? {} : { region: options.region }),
  };
  const clients: AwsClients = {
    lambda: new LambdaClient(config),
    cloudwatch: new CloudWatchClient(config),
    apiGateway: new APIGatewayClient(config),
    sns: new SNSClient(config),
    sfn: new SFNClient(config),
    dynamodb: new DynamoDBClient(config),
    secretsManager: new SecretsManagerClient(config),
    sqs: new SQSClient(config),
  };
  if (options.configure) {
    for (const client of Object.values(clients)) options.configure(client);
  }
  return clients;
}
