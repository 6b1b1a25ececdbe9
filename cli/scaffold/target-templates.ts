import { targetKindTable } from '../../handlers/lib/targets.js';

/**
 * What a new runbook's example rule reads and sets, per kind of target: one number the target must
 * hold at least (a guardrail), read and set through the simulated account's real API calls, so the
 * scaffold's game day runs end to end before its author changes a line.
 */
export interface TargetTemplate {
  /** `runbook start <id> <startKey>=<name>`; the target key is `<keyPrefix>:<name>`. */
  readonly startKey: string;
  readonly keyPrefix: string;
  /** The field of the parsed target (`parseTarget`) that holds its name. */
  readonly nameField: string;
  /** The resource the game day creates, named as README's scoped configuration grants. */
  readonly exampleName: string;
  /** The setting, in words, and its guardrail's name, default and unit. */
  readonly setting: string;
  readonly guardrail: string;
  readonly minimum: number;
  /** The value the game day starts from, below the minimum. */
  readonly startValue: number;
  /** The two steps' imports, the read, the write and their permissions. */
  readonly checkImport: string;
  readonly applyImport: string;
  readonly clientName: string;
  readonly clientClass: string;
  readonly read: string;
  readonly write: string;
  readonly readPermissions: string;
  readonly writePermissions: string;
  /** The game day's setup of the example resource. */
  readonly setup: string;
}

/** How people and keys name a kind of target, from the one table of target kinds. */
function namingOf(kind: 'queue' | 'function'): Pick<TargetTemplate, 'startKey' | 'keyPrefix'> {
  const { startWord = kind, prefix } = targetKindTable[kind];
  return { startKey: startWord, keyPrefix: prefix };
}

export const targetTemplates = {
  queue: {
    ...namingOf('queue'),
    nameField: 'queueName',
    exampleName: 'orders',
    setting: 'visibility timeout',
    guardrail: 'minimumVisibilitySeconds',
    minimum: 60,
    startValue: 30,
    checkImport:
      "import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';",
    applyImport:
      "import { GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';",
    clientName: 'sqs',
    clientClass: 'SQSClient',
    read: `const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }),
  );
  return Number(Attributes.VisibilityTimeout);`,
    write: `const { QueueUrl } = await deps.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const made = await deps.clients.sqs.send(
    new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: String(value) } }),
  );`,
    readPermissions: "{ actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'], on: 'replay-queues' }",
    writePermissions:
      "{ actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'], on: 'replay-queues' }",
    setup: `account.sqs.createQueue({ QueueName: 'orders', Attributes: { VisibilityTimeout: '30' } });`,
  },
  function: {
    ...namingOf('function'),
    nameField: 'functionName',
    exampleName: 'orders-api',
    setting: 'timeout',
    guardrail: 'minimumTimeoutSeconds',
    minimum: 10,
    startValue: 3,
    checkImport: "import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';",
    applyImport: "import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';",
    clientName: 'lambda',
    clientClass: 'LambdaClient',
    read: `const configuration = await clients.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: name }),
  );
  return configuration.Timeout ?? 3;`,
    write: `const made = await deps.clients.lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: value }),
  );`,
    readPermissions: "{ actions: ['lambda:GetFunctionConfiguration'], on: 'target-functions' }",
    writePermissions:
      "{ actions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'], on: 'target-functions' }",
    setup: `account.lambda.createFunction('orders-api', 3);`,
  },
} as const satisfies Record<string, TargetTemplate>;

export type ScaffoldTarget = keyof typeof targetTemplates;

/** What every file of a new runbook is written from. */
export interface ScaffoldNames {
  /** Kebab-case runbook id. */
  readonly id: string;
  /** The id in camelCase: the runbook's exported name. */
  readonly camel: string;
  readonly title: string;
  readonly kind: string;
  readonly t: TargetTemplate;
}
