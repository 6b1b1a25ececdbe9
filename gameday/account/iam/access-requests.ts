import type { AccountIdentity } from '../account-identity.js';

/** One request IAM evaluates: an action on a resource, with the request's context keys. */
export interface AccessRequest {
  readonly action: string;
  /** The resource's ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * The resource's data is encrypted with its key on this call: `read` needs `kms:Decrypt`, `write`
   * `kms:GenerateDataKey` and `kms:Decrypt` as well (used only when the resource has a
   * customer-managed key).
   */
  readonly kms?: 'read' | 'write';
}

/** What the simulated services resolve for a request (names to ARNs, tokens to executions). */
export interface AccessLookups {
  readonly identity: AccountIdentity;
  /** The ARN of the queue with this URL or name. */
  readonly queueArn: (urlOrName: string) => string;
  /** The function an event source mapping invokes (for `lambda:FunctionArn`), if it exists. */
  readonly mappingFunctionArn: (uuid: string) => string | undefined;
  /** A secret's complete ARN, given its name or ARN. */
  readonly secretArn: (secretId: string) => string;
  /** The rotation function configured on a secret, if any. */
  readonly rotationFunctionOf: (secretId: string) => string | undefined;
  /** The state machine of the execution a task token belongs to. */
  readonly stateMachineOfTaskToken: (token: string) => string | undefined;
}

type Input = Readonly<Record<string, unknown>>;
type Requests = (input: Input, lookups: AccessLookups) => AccessRequest[];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const keyArnOf = (identity: AccountIdentity, keyId: string) =>
  keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${identity.region}:${identity.accountId}:key/${keyId}`;

const objectArn = (input: Input) => `arn:aws:s3:::${text(input.Bucket)}/${text(input.Key)}`;

function arnOf(identity: AccountIdentity, service: string, resource: string): string {
  return `arn:aws:${service}:${identity.region}:${identity.accountId}:${resource}`;
}

/**
 * A function's ARN as Lambda authorizes the request: qualified when the request names a version
 * or alias (in `FunctionName` or `Qualifier`), unqualified otherwise
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html).
 */
function functionArn(identity: AccountIdentity, input: Input, qualified: boolean): string {
  const bare = text(input.FunctionName)
    .replace(/^arn:aws[a-z-]*:lambda:[^:]+:/, '')
    .replace(/^\d{12}:/, '')
    .replace(/^function:/, '');
  const [name = '', inlineQualifier] = bare.split(':');
  const qualifier = text(input.Qualifier) || inlineQualifier;
  return arnOf(identity, 'lambda', `function:${name}${qualified && qualifier ? `:${qualifier}` : ''}`);
}

const lambda =
  (action: string, qualified = false): Requests =>
  (input, { identity }) => [
    { action: `lambda:${action}`, resource: functionArn(identity, input, qualified) },
  ];
const lambdaAny =
  (action: string): Requests =>
  () => [{ action: `lambda:${action}`, resource: '*' }];
const mapping =
  (action: string): Requests =>
  (input, lookups) => {
    const uuid = text(input.UUID);
    const fn = lookups.mappingFunctionArn(uuid);
    return [
      {
        action: `lambda:${action}`,
        resource: arnOf(lookups.identity, 'lambda', `event-source-mapping:${uuid}`),
        ...(fn ? { context: { 'lambda:FunctionArn': fn } } : {}),
      },
    ];
  };

/** Lambda's API as its permissions reference lists it (Invoke is `lambda:InvokeFunction`). */
const lambdaRequests: Readonly<Record<string, Requests>> = {
  Invoke: lambda('InvokeFunction', true),
  GetAlias: lambda('GetAlias'),
  UpdateAlias: lambda('UpdateAlias'),
  CreateAlias: lambda('CreateAlias'),
  ListAliases: lambda('ListAliases'),
  ListVersionsByFunction: lambda('ListVersionsByFunction'),
  GetFunctionConfiguration: lambda('GetFunctionConfiguration', true),
  UpdateFunctionConfiguration: lambda('UpdateFunctionConfiguration'),
  PublishVersion: lambda('PublishVersion'),
  ListTags: (input, { identity }) => [
    { action: 'lambda:ListTags', resource: text(input.Resource) || arnOf(identity, 'lambda', 'function:') },
  ],
  ListFunctions: lambdaAny('ListFunctions'),
  ListEventSourceMappings: lambdaAny('ListEventSourceMappings'),
  GetAccountSettings: lambdaAny('GetAccountSettings'),
  GetEventSourceMapping: mapping('GetEventSourceMapping'),
  UpdateEventSourceMapping: mapping('UpdateEventSourceMapping'),
  GetFunctionConcurrency: lambda('GetFunctionConcurrency'),
  PutFunctionConcurrency: lambda('PutFunctionConcurrency'),
  DeleteFunctionConcurrency: lambda('DeleteFunctionConcurrency'),
  ListProvisionedConcurrencyConfigs: lambda('ListProvisionedConcurrencyConfigs'),
  GetProvisionedConcurrencyConfig: lambda('GetProvisionedConcurrencyConfig', true),
  PutProvisionedConcurrencyConfig: lambda('PutProvisionedConcurrencyConfig', true),
  DeleteProvisionedConcurrencyConfig: lambda('DeleteProvisionedConcurrencyConfig', true),
  GetFunctionEventInvokeConfig: lambda('GetFunctionEventInvokeConfig'),
};

const queue =
  (action: string, kms?: 'read' | 'write'): Requests =>
  (input, lookups) => [
    {
      action: `sqs:${action}`,
      resource: lookups.queueArn(text(input.QueueUrl) || text(input.QueueName)),
      ...(kms ? { kms } : {}),
    },
  ];

/**
 * SQS: batch calls are authorized as their single forms; sending needs the queue's key to
 * encrypt, receiving to decrypt
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 * A move task needs, on the source, StartMessageMoveTask, ReceiveMessage, DeleteMessage and
 * GetQueueAttributes, and SendMessage on the destination (the source's redrive source when none is
 * given) (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html).
 */
const sqsRequests: Readonly<Record<string, Requests>> = {
  GetQueueUrl: queue('GetQueueUrl'),
  GetQueueAttributes: queue('GetQueueAttributes'),
  SetQueueAttributes: queue('SetQueueAttributes'),
  ListDeadLetterSourceQueues: queue('ListDeadLetterSourceQueues'),
  SendMessage: queue('SendMessage', 'write'),
  SendMessageBatch: queue('SendMessage', 'write'),
  ReceiveMessage: queue('ReceiveMessage', 'read'),
  DeleteMessage: queue('DeleteMessage'),
  DeleteMessageBatch: queue('DeleteMessage'),
  ChangeMessageVisibilityBatch: queue('ChangeMessageVisibility'),
  StartMessageMoveTask: (input) => {
    const source = text(input.SourceArn);
    const destination = text(input.DestinationArn);
    return [
      { action: 'sqs:StartMessageMoveTask', resource: source },
      { action: 'sqs:ReceiveMessage', resource: source, kms: 'read' },
      { action: 'sqs:DeleteMessage', resource: source },
      { action: 'sqs:GetQueueAttributes', resource: source },
      ...(destination ? [{ action: 'sqs:SendMessage', resource: destination, kms: 'write' as const }] : []),
    ];
  },
  ListMessageMoveTasks: (input) => [{ action: 'sqs:ListMessageMoveTasks', resource: text(input.SourceArn) }],
  CancelMessageMoveTask: () => [],
};

const secret =
  (action: string, kms?: 'read' | 'write'): Requests =>
  (input, lookups) => [
    {
      action: `secretsmanager:${action}`,
      resource: lookups.secretArn(text(input.SecretId) || text(input.Name)),
      ...(kms ? { kms } : {}),
    },
  ];

/**
 * Secrets Manager: reading a value decrypts it with the secret's key, storing one encrypts it
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html); calling
 * RotateSecret needs `lambda:InvokeFunction` on the rotation function as well
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html).
 */
const secretsRequests: Readonly<Record<string, Requests>> = {
  CreateSecret: secret('CreateSecret', 'write'),
  DescribeSecret: secret('DescribeSecret'),
  GetSecretValue: secret('GetSecretValue', 'read'),
  PutSecretValue: secret('PutSecretValue', 'write'),
  UpdateSecretVersionStage: secret('UpdateSecretVersionStage'),
  GetRandomPassword: () => [{ action: 'secretsmanager:GetRandomPassword', resource: '*' }],
  RotateSecret: (input, lookups) => {
    const rotationFunction =
      text(input.RotationLambdaARN) || lookups.rotationFunctionOf(text(input.SecretId));
    return [
      ...secret('RotateSecret')(input, lookups),
      ...(rotationFunction ? [{ action: 'lambda:InvokeFunction', resource: rotationFunction }] : []),
    ];
  },
  CancelRotateSecret: secret('CancelRotateSecret'),
};

const table =
  (action: string, kms: 'read' | 'write'): Requests =>
  (input, { identity }) => [
    {
      action: `dynamodb:${action}`,
      resource: arnOf(identity, 'dynamodb', `table/${text(input.TableName)}`),
      kms,
    },
  ];

const alarm = (identity: AccountIdentity, name: string) => arnOf(identity, 'cloudwatch', `alarm:${name}`);

/** CloudWatch: alarms by ARN (listing them all is a request on `alarm:*`); metric data on `*`. */
const cloudwatchRequests: Readonly<Record<string, Requests>> = {
  GetMetricData: () => [{ action: 'cloudwatch:GetMetricData', resource: '*' }],
  DescribeAlarms: (input, { identity }) => {
    const names = Array.isArray(input.AlarmNames) ? input.AlarmNames.map(text) : ['*'];
    return names.map((name) => ({ action: 'cloudwatch:DescribeAlarms', resource: alarm(identity, name) }));
  },
  DescribeAlarmHistory: (input, { identity }) => [
    { action: 'cloudwatch:DescribeAlarmHistory', resource: alarm(identity, text(input.AlarmName) || '*') },
  ],
  PutMetricAlarm: (input, { identity }) => [
    { action: 'cloudwatch:PutMetricAlarm', resource: alarm(identity, text(input.AlarmName)) },
  ],
  ListTagsForResource: (input) => [
    { action: 'cloudwatch:ListTagsForResource', resource: text(input.ResourceARN) },
  ],
};

/**
 * Step Functions. SendTaskSuccess and SendTaskFailure have no resource type in the Service
 * Authorization Reference, yet Step Functions authorizes them against the task's state machine
 * (aws-cdk#8486, and CDK's own `grantTaskResponse`): the request names that state machine.
 */
const sfnRequests: Readonly<Record<string, Requests>> = {
  StartExecution: (input) => [{ action: 'states:StartExecution', resource: text(input.stateMachineArn) }],
  DescribeExecution: (input) => [{ action: 'states:DescribeExecution', resource: text(input.executionArn) }],
  ListExecutions: (input) => [{ action: 'states:ListExecutions', resource: text(input.stateMachineArn) }],
  ListStateMachines: () => [{ action: 'states:ListStateMachines', resource: '*' }],
  GetExecutionHistory: (input) => [
    { action: 'states:GetExecutionHistory', resource: text(input.executionArn) },
  ],
  DescribeStateMachineForExecution: (input) => [
    { action: 'states:DescribeStateMachineForExecution', resource: text(input.executionArn) },
  ],
  SendTaskSuccess: (input, lookups) => [
    {
      action: 'states:SendTaskSuccess',
      resource: lookups.stateMachineOfTaskToken(text(input.taskToken)) ?? '*',
    },
  ],
  SendTaskFailure: (input, lookups) => [
    {
      action: 'states:SendTaskFailure',
      resource: lookups.stateMachineOfTaskToken(text(input.taskToken)) ?? '*',
    },
  ],
};

/** Every modelled call, by SDK client and operation. */
const requestsByClient: Readonly<Record<string, Readonly<Record<string, Requests>>>> = {
  LambdaClient: lambdaRequests,
  SQSClient: sqsRequests,
  SecretsManagerClient: secretsRequests,
  CloudWatchClient: cloudwatchRequests,
  SFNClient: sfnRequests,
  // Signing with an asymmetric key: its key policy and the caller's policy decide.
  KMSClient: {
    Sign: (input, { identity }) => [{ action: 'kms:Sign', resource: keyArnOf(identity, text(input.KeyId)) }],
    GetPublicKey: (input, { identity }) => [
      { action: 'kms:GetPublicKey', resource: keyArnOf(identity, text(input.KeyId)) },
    ],
  },
  // Objects by their ARN (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html);
  // HeadObject needs s3:GetObject.
  S3Client: {
    PutObject: (input) => [{ action: 's3:PutObject', resource: objectArn(input) }],
    GetObject: (input) => [{ action: 's3:GetObject', resource: objectArn(input) }],
    HeadObject: (input) => [{ action: 's3:GetObject', resource: objectArn(input) }],
    DeleteObject: (input) => [
      {
        action: input.VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject',
        resource: objectArn(input),
      },
    ],
    ListObjectsV2: (input) => [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${text(input.Bucket)}` }],
  },
  DynamoDBClient: {
    GetItem: table('GetItem', 'read'),
    PutItem: table('PutItem', 'write'),
    UpdateItem: table('UpdateItem', 'write'),
    DeleteItem: table('DeleteItem', 'write'),
    Query: table('Query', 'read'),
  },
  SNSClient: {
    // Publishing to an encrypted topic needs its key to encrypt
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
    Publish: (input) => [{ action: 'sns:Publish', resource: text(input.TopicArn), kms: 'write' }],
  },
  APIGatewayClient: {
    GetRestApis: (_input, { identity }) => [
      { action: 'apigateway:GET', resource: `arn:aws:apigateway:${identity.region}::/restapis` },
    ],
    GetResources: (input, { identity }) => [
      {
        action: 'apigateway:GET',
        resource: `arn:aws:apigateway:${identity.region}::/restapis/${text(input.restApiId)}/resources`,
      },
    ],
  },
  SchemasClient: {
    DescribeSchema: (input, { identity }) => [
      {
        action: 'schemas:DescribeSchema',
        resource: arnOf(identity, 'schemas', `schema/${text(input.RegistryName)}/${text(input.SchemaName)}`),
      },
    ],
  },
};

/**
 * The IAM requests an SDK call makes, as the service authorizes it; undefined for a call the
 * simulated account does not authorize (one only people's tooling makes, such as FIS's API).
 */
export function accessRequestsOf(
  clientName: string,
  operation: string,
  input: unknown,
  lookups: AccessLookups,
): AccessRequest[] | undefined {
  const requests = requestsByClient[clientName]?.[operation];
  return requests?.((input ?? {}) as Input, lookups);
}
