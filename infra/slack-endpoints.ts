import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { AccessPolicy } from '../slack/access-policy.js';
import type { CatalogueEntry } from '../slack/slash-command.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction } from './platform-function.js';

export interface SlackEndpointsProps {
  readonly environment: Environment;
  /** What `/runbook list` shows. */
  readonly catalogue: readonly CatalogueEntry[];
  readonly accessPolicy: AccessPolicy;
  readonly key: IKey;
  readonly approvals: ITopic;
  readonly approvalTable: ITable;
  readonly leaseTable: ITable;
  readonly stateMachines: readonly StateMachine[];
  /** The dispatcher's configuration (JSON), which manual starts use too. */
  readonly dispatcherConfig: string;
  /** IAM statements that let a function resolve an API target to its alias, as the dispatcher does. */
  readonly resolveTargets: readonly PolicyStatement[];
  readonly alarmTopic: ITopic;
  readonly deadLetters: IQueue;
  /** Where the asynchronously invoked workers' and notifier's failed events go. */
  readonly failedInvocations: IQueue;
}

/**
 * Slack's way in: a Function URL for the slash command and the buttons (its own auth is Slack's
 * request signature, checked in code), a worker that does what they ask, and a notifier that posts
 * approval requests. The app's credentials live in one Secrets Manager secret, read at run time.
 */
export class SlackEndpoints extends Construct {
  readonly url: string;
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: SlackEndpointsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const entry = (name: string) => fileURLToPath(new URL(`../slack/${name}-handler.ts`, import.meta.url));
    this.secret = new Secret(this, 'Credentials', {
      description:
        'Slack app credentials as JSON {"signingSecret": "...", "botToken": "xoxb-..."}; set after deploying',
      encryptionKey: props.key,
    });
    nagAcknowledgements.slackSecret(this.secret);
    const common = {
      RUNBOOK_ENVIRONMENT: props.environment,
      SLACK_SECRET_ARN: this.secret.secretArn,
      SLACK_ACCESS_POLICY: JSON.stringify(props.accessPolicy),
      APPROVAL_TABLE_NAME: props.approvalTable.tableName,
      DISPATCHER_CONFIG: props.dispatcherConfig,
    };
    const machineArns = props.stateMachines.map((m) => m.stateMachineArn);
    const executionArns = props.stateMachines.map(
      (m) =>
        `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${m.stateMachineName}:*`,
    );
    const approvalRecords = (actions: string[]) =>
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [props.approvalTable.tableArn],
      });

    // A failed start or answer is reported to the person in Slack; retrying later could act twice.
    // Commands answer through response_url, which needs no bot token: no secret, no approval records.
    const commandWorker = new PlatformFunction(this, 'CommandWorker', {
      entry: entry('command-worker'),
      environment: {
        RUNBOOK_ENVIRONMENT: props.environment,
        SLACK_ACCESS_POLICY: common.SLACK_ACCESS_POLICY,
        DISPATCHER_CONFIG: props.dispatcherConfig,
      },
      alarmTopic: props.alarmTopic,
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 0 },
    });

    const commandWorkerStatements = [
      new PolicyStatement({ actions: ['states:StartExecution'], resources: machineArns }),
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: executionArns }),
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.leaseTable.tableArn],
      }),
      new PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
        resources: [`arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`],
      }),
      ...props.resolveTargets,
    ];

    const approvalWorker = new PlatformFunction(this, 'ApprovalWorker', {
      entry: entry('approval-worker'),
      environment: common,
      alarmTopic: props.alarmTopic,
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 0 },
    });

    const approvalWorkerStatements = [
      approvalRecords(['GetItem', 'UpdateItem']),
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: machineArns,
      }),
    ];

    const notifier = new PlatformFunction(this, 'Notifier', {
      entry: entry('notifier'),
      environment: common,
      alarmTopic: props.alarmTopic,
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 2 },
    });
    props.approvals.addSubscription(
      new LambdaSubscription(notifier.function, { deadLetterQueue: props.deadLetters }),
    );
    const notifierStatements = [approvalRecords(['GetItem', 'UpdateItem'])];

    const endpoint = new PlatformFunction(this, 'Endpoint', {
      entry: entry('endpoint'),
      environment: {
        RUNBOOK_ENVIRONMENT: props.environment,
        SLACK_SECRET_ARN: this.secret.secretArn,
        SLACK_COMMAND_WORKER_FUNCTION: commandWorker.function.functionName,
        SLACK_APPROVAL_WORKER_FUNCTION: approvalWorker.function.functionName,
        RUNBOOK_CATALOGUE: JSON.stringify(props.catalogue),
      },
      // Slack waits three seconds for an answer.
      timeout: Duration.seconds(3),
      alarmTopic: props.alarmTopic,
      // Anyone on the internet can call the URL: a flood of (unsigned) requests stops here.
      reservedConcurrency: 10,
    });
    const endpointStatements = [
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [commandWorker.function.functionArn, approvalWorker.function.functionArn],
      }),
    ];
    const url = endpoint.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    this.url = url.url;

    for (const [fn, statements, readsSecret] of [
      [commandWorker, commandWorkerStatements, false],
      [approvalWorker, approvalWorkerStatements, true],
      [notifier, notifierStatements, true],
      [endpoint, endpointStatements, true],
    ] as const) {
      for (const statement of statements) fn.function.addToRolePolicy(statement);
      if (readsSecret) this.secret.grantRead(fn.function);
      props.key.grantEncryptDecrypt(fn.function);
      nagAcknowledgements.stepFunction(fn, statements);
    }
    new CfnOutput(stack, 'SlackRequestUrl', {
      description: 'Base URL for the Slack app: <url>slack/commands and <url>slack/interactions',
      value: url.url,
    });
  }
}
