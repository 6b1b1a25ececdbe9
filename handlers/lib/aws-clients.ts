import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FisClient } from '@aws-sdk/client-fis';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchemasClient } from '@aws-sdk/client-schemas';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The AWS clients steps may use, by name. Only types are imported here: each Lambda entry names
 * the client classes it uses, so its bundle carries those and no others.
 */
export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly apiGateway: APIGatewayClient;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  readonly sqs: SQSClient;
  readonly fis: FisClient;
  readonly schemas: SchemasClient;
  readonly kms: KMSClient;
  readonly s3: S3Client;
  readonly cloudformation: CloudFormationClient;
}

export type ClientName = keyof AwsClients;

/** A client of any service: what a binding needs to attach middleware to it. */
export type AnyAwsClient = AwsClients[ClientName];

/** Credentials other than the function's own (the spoke role's, in another account). */
export type CredentialsProvider = () => Promise<{
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}>;

/** The configuration every client is built with. */
export interface ClientConfig {
  readonly region?: string;
  readonly cacheMiddleware?: boolean;
  readonly credentials?: CredentialsProvider;
}

/** The client classes a function uses, by name (e.g. `{ lambda: LambdaClient }`). */
export type ClientClasses<K extends ClientName> = {
  readonly [P in K]: new (
    config: ClientConfig,
  ) => AwsClients[P];
};

export interface AwsClientOptions {
  /** Region of the clients. Default: the Lambda environment's `AWS_REGION`. */
  readonly region?: string;
  /** Called with each client after construction, e.g. to trace it or bind it to another endpoint. */
  readonly configure?: (client: AnyAwsClient) => void;
  /** Default: the Lambda execution role's, from the environment. */
  readonly credentials?: CredentialsProvider;
}

/**
 * The one place clients are created: each on first use, so a cold start pays only for the clients
 * the invocation touches. Middleware is added only at construction (tracing, the simulator
 * binding), so the SDK may resolve each command's middleware stack once (`cacheMiddleware`).
 */
export function lazyClients<K extends ClientName>(
  classes: ClientClasses<K>,
  options: AwsClientOptions = {},
): Pick<AwsClients, K> {
  const config: ClientConfig = {
    cacheMiddleware: true,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  const built = new Map<K, AnyAwsClient>();
  const clients = {};
  for (const name of Object.keys(classes) as K[]) {
    Object.defineProperty(clients, name, {
      enumerable: true,
      get: () => {
        let client = built.get(name);
        if (!client) {
          client = new classes[name](config);
          options.configure?.(client);
          built.set(name, client);
        }
        return client;
      },
    });
  }
  return clients as Pick<AwsClients, K>;
}
