import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { launchPermissions } from '../handlers/dispatcher/launch-permissions.js';
import type { Permission } from '../handlers/lib/define-step.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { CatalogueEntry } from '../runbooks/deployment.js';
import type { AccessPolicy } from '../slack/access-policy.js';
import { projectModule } from './module-path.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction } from './platform-function.js';

export interface SlackEndpointsProps {
  readonly environment: Environment;
  /** What `/runbook list` shows. */
  readonly catalogue: readonly CatalogueEntry[];
  readonly accessPolicy: AccessPolicy;
  /** Encrypts the credentials secret. */
  readonly key: IKey;
  readonly approvals: ITopic;
  /** Where approval requests and their answers are recorded. */
  readonly approvalTableName: string;
  /** The dispatcher's configuration (JSON), which manual starts use too. */
  readonly dispatcherConfig: string;
  readonly alarmTopic: ITopic;
  readonly deadLetters: IQueue;
  /** Where the asynchronously invoked workers' and notifier's failed events go. */
  readonly failedInvocations: IQueue;
}

/** What each Slack function calls (declared here: infra deploys Slack's code without loading it). */
const permissions = {
  // Starts go through the dispatcher's launch; status reads executions.
  commandWorker: [
    ...launchPermissions,
    { actions: ['states:DescribeExecution'], on: 'executions' },
    // `/runbook resume`: the circuit breaker's item.
    { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], on: 'lease-table' },
  ],
  approvalWorker: [
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], on: 'approval-table' },
    { actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], on: 'state-machines' },
    { actions: ['secretsmanager:GetSecretValue'], on: 'slack-credentials' },
  ],
  notifier: [
    { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], on: 'approval-table' },
    { actions: ['secretsmanager:GetSecretValue'], on: 'slack-credentials' },
  ],
  endpoint: [
    { actions: ['lambda:InvokeFunction'], on: 'slack-workers' },
    { actions: ['secretsmanager:GetSecretValue'], on: 'slack-credentials' },
  ],
} as const satisfies Record<string, readonly Permission[]>;

/**
 * Slack's way in: a Function URL for the slash command and the buttons (its own auth is Slack's
 * request signature, checked in code), a worker that does what they ask, and a notifier that posts
 * approval requests. The app's credentials live in one Secrets Manager secret, read at run time.
 */
export class SlackEndpoints extends Construct {
  readonly url: string;
  readonly secret: Secret;
  /** The functions the endpoint hands requests to. */
  readonly workerArns: readonly string[];
  /** Each function with its permissions, for the stack to grant. */
  readonly declared: readonly {
    readonly fn: PlatformFunction;
    readonly permissions: readonly Permission[];
  }[];

  constructor(scope: Construct, id: string, props: SlackEndpointsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const entry = (name: string) => projectModule(`slack/${name}-handler`);
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
      DISPATCHER_CONFIG: props.dispatcherConfig,
    };

    // A failed start or answer is reported to the person in Slack; retrying later could act twice.
    // Commands answer through response_url, which needs no bot token: no secret, no approval records.
    const commandWorker = new PlatformFunction(this, 'CommandWorker', {
      name: 'slack-command-worker',
      entry: entry('command-worker'),
      environment: {
        RUNBOOK_ENVIRONMENT: props.environment,
        SLACK_ACCESS_POLICY: common.SLACK_ACCESS_POLICY,
        DISPATCHER_CONFIG: props.dispatcherConfig,
      },
      alarmTopic: props.alarmTopic,
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 0 },
    });
    const approvalWorker = new PlatformFunction(this, 'ApprovalWorker', {
      name: 'slack-approval-worker',
      entry: entry('approval-worker'),
      environment: { ...common, APPROVAL_TABLE_NAME: props.approvalTableName },
      alarmTopic: props.alarmTopic,
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 0 },
    });
    const notifier = new PlatformFunction(this, 'Notifier', {
      name: 'slack-notifier',
      entry: entry('notifier'),
      environment: { ...common, APPROVAL_TABLE_NAME: props.approvalTableName },
      alarmTopic: props.alarmTopic,
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 2 },
    });
    props.approvals.addSubscription(
      new LambdaSubscription(notifier.function, { deadLetterQueue: props.deadLetters }),
    );
    const endpoint = new PlatformFunction(this, 'Endpoint', {
      name: 'slack-endpoint',
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
    const url = endpoint.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    this.url = url.url;
    this.workerArns = [commandWorker.function.functionArn, approvalWorker.function.functionArn];
    this.declared = [
      { fn: commandWorker, permissions: permissions.commandWorker },
      { fn: approvalWorker, permissions: permissions.approvalWorker },
      { fn: notifier, permissions: permissions.notifier },
      { fn: endpoint, permissions: permissions.endpoint },
    ];
    new CfnOutput(stack, 'SlackRequestUrl', {
      description: 'Base URL for the Slack app: <url>slack/commands and <url>slack/interactions',
      value: url.url,
    });
  }
}
