import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DeployedRunbook } from '../handlers/dispatcher/dispatcher-config.js';
import { alarmTriggerPattern } from '../handlers/dispatcher/trigger-patterns.js';
import type { RouteRule } from '../handlers/lib/alarm-routing.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import { stepModules, stepNames } from '../handlers/steps.js';
import { deployedRunbook } from '../runbooks/deployment.js';
import type { RunbookDefinition, RunbookFunctions } from '../runbooks/index.js';
import type { AccessPolicy } from '../slack/access-policy.js';
import { catalogueEntries } from '../slack/slash-command.js';
import { definitionComment, stepLogicalName } from '../state-machines/render-asl.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction } from './platform-function.js';
import { type RotatedSecret, SecretRotation } from './secret-rotation.js';
import { SlackEndpoints } from './slack-endpoints.js';
import { stepPolicy } from './step-permissions.js';

export interface RunbooksStackProps extends StackProps {
  readonly runbooks: readonly RunbookDefinition[];
  /** Selects each runbook's approval policy. */
  readonly environment: Environment;
  /** Lambda function ARNs (wildcards allowed) the runbooks may act on. Default: every function in the account and region. */
  readonly targetFunctionArns?: readonly string[];
  /** SQS queue ARNs (wildcards allowed) the DLQ replay may act on. Default: every queue in the account and region. */
  readonly queueArns?: readonly string[];
  /** Routing table for alarms without a `runbook` tag. Default: none (tagged alarms only). */
  readonly routes?: readonly RouteRule[];
  /** Who may start and approve from Slack. Default: nobody. */
  readonly slackAccess?: AccessPolicy;
  /** Secrets the secret-rotation runbook rotates, and the credential adapter its rotation function calls. Default: none. */
  readonly rotation?: { readonly secrets: readonly RotatedSecret[]; readonly credentialAdapterArn: string };
}

/**
 * The platform: one Lambda per step handler, one state machine per runbook built by the runbook's
 * own `build`, the dispatcher that alarm state changes reach through EventBridge, the lease table,
 * topics for approvals and escalations, and the platform's own alarms.
 */
export class RunbooksStack extends Stack {
  readonly stateMachines = new Map<string, StateMachine>();

  constructor(scope: Construct, id: string, props: RunbooksStackProps) {
    super(scope, id, props);
    const key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Encrypts runbook topics and queues',
    });
    const topic = (name: string) => new Topic(this, name, { masterKey: key, enforceSSL: true });
    const escalations = topic('Escalations');
    const approvals = topic('Approvals');
    const platformAlarms = topic('PlatformAlarms');

    const targetFunctionArns = props.targetFunctionArns ?? [
      `arn:${this.partition}:lambda:${this.region}:${this.account}:function:*`,
    ];
    const table = (id: string, partitionKey: string, ttl: string) =>
      new Table(this, id, {
        partitionKey: { name: partitionKey, type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: key,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: ttl,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    const leases = table('Leases', 'pk', 'ttl');
    // Powertools idempotency's default attribute names.
    const idempotency = table('Idempotency', 'id', 'expiration');
    const approvalTable = table('ApprovalRequests', 'approvalId', 'ttl');
    const rotation = props.rotation
      ? new SecretRotation(this, 'SecretRotation', {
          ...props.rotation,
          idempotencyTable: idempotency,
          key,
          alarmTopic: platformAlarms,
        })
      : undefined;
    const stepScope = {
      targetFunctionArns,
      leaseTableArn: leases.tableArn,
      idempotencyTableArn: idempotency.tableArn,
      approvalTableArn: approvalTable.tableArn,
      queueArns: props.queueArns ?? [`arn:${this.partition}:sqs:${this.region}:${this.account}:*`],
      secretArns: props.rotation?.secrets.map((s) => s.secretArn) ?? [],
      rotationFunctionArn: rotation?.rotationFunction.function.functionArn ?? null,
      consumerArns: rotation?.consumerArns(this) ?? [],
    };
    const triggerDlq = new Queue(this, 'TriggerDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    nagAcknowledgements.deadLetterQueue(triggerDlq);
    // Events the platform's asynchronously invoked functions failed on after Lambda's retries:
    // `runbook redrive-failed-dispatches` sends them back once the cause is fixed.
    const failedInvocations = new Queue(this, 'FailedInvocations', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    nagAcknowledgements.deadLetterQueue(failedInvocations);
    new CfnOutput(this, 'FailedInvocationsQueueUrl', {
      description: 'What `runbook redrive-failed-dispatches --queue` reads',
      value: failedInvocations.queueUrl,
    });
    const functions = Object.fromEntries(
      stepNames.map((step) => {
        const fn = new PlatformFunction(this, stepLogicalName(step), {
          entry: fileURLToPath(new URL(`../handlers/${stepModules[step]}.ts`, import.meta.url)),
          environment: {
            RUNBOOK_ENVIRONMENT: props.environment,
            ESCALATION_TOPIC_ARN: escalations.topicArn,
            APPROVAL_TOPIC_ARN: approvals.topicArn,
            LEASE_TABLE_NAME: leases.tableName,
            IDEMPOTENCY_TABLE_NAME: idempotency.tableName,
            APPROVAL_TABLE_NAME: approvalTable.tableName,
          },
          alarmTopic: platformAlarms,
          // The lease release is also an EventBridge target (failed runs): it is invoked asynchronously.
          ...(step === 'release-lease'
            ? { asyncFailures: { queue: failedInvocations, retryAttempts: 2 } }
            : {}),
        });
        const statements = stepPolicy(this, step, stepScope);
        for (const statement of statements) fn.function.addToRolePolicy(statement);
        if (step === 'escalate') escalations.grantPublish(fn.function);
        if (step === 'request-approval') approvals.grantPublish(fn.function);
        if (['release-lease', 'escalate', 'request-approval', 'rollback-alias'].includes(step)) {
          key.grantEncryptDecrypt(fn.function);
        }
        nagAcknowledgements.stepFunction(fn, statements);
        return [step, fn.function];
      }),
    ) as unknown as RunbookFunctions;

    const deployed: Record<string, DeployedRunbook> = {};
    for (const runbook of props.runbooks) {
      const definitionScope = new Construct(this, `${runbook.id}-definition`);
      const logGroup = new LogGroup(this, `${runbook.id}-logs`, {
        retention: RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const machine = new StateMachine(this, runbook.id, {
        stateMachineName: `runbook-${runbook.id}`,
        comment: definitionComment(runbook),
        definitionBody: DefinitionBody.fromChainable(runbook.build(definitionScope, functions)),
        tracingEnabled: true,
        // Every transition is logged, without state input and output: those carry approval task
        // tokens (whoever holds one can answer the approval). The execution history keeps them.
        logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
        timeout: Duration.seconds(runbook.timeoutSeconds),
      });
      this.stateMachines.set(runbook.id, machine);
      deployed[runbook.id] = deployedRunbook(runbook, machine.stateMachineArn);
      nagAcknowledgements.stateMachine(machine, Object.values(functions));

      new Alarm(this, `${runbook.id}-failed`, {
        metric: machine.metricFailed({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `Runbook ${runbook.id} failed to finish`,
      }).addAlarmAction(new SnsAction(platformAlarms));
    }

    const dispatcherConfig = this.toJsonString({
      routes: props.routes ?? [],
      leaseTable: leases.tableName,
      runbooks: deployed,
    });
    const dispatcher = new PlatformFunction(this, 'Dispatcher', {
      entry: fileURLToPath(new URL('../handlers/dispatcher/handler.ts', import.meta.url)),
      environment: { DISPATCHER_CONFIG: dispatcherConfig },
      alarmTopic: platformAlarms,
      // An alarm storm reaches the dispatcher first; it answers each event in milliseconds.
      reservedConcurrency: 20,
      asyncFailures: { queue: failedInvocations, retryAttempts: 2 },
    });
    const resolveTargets = stepPolicy(this, 'gather-evidence', stepScope).filter((p) =>
      p.actions.includes('apigateway:GET'),
    );
    const dispatcherStatements = [
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [...this.stateMachines.values()].map((m) => m.stateMachineArn),
      }),
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [leases.tableArn],
      }),
      new PolicyStatement({
        actions: ['cloudwatch:ListTagsForResource'],
        resources: [`arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`],
      }),
      ...resolveTargets,
    ];
    for (const statement of dispatcherStatements) dispatcher.function.addToRolePolicy(statement);
    new CfnOutput(this, 'DispatcherFunctionName', {
      description: 'What `runbook start --dispatcher` invokes to start a runbook by hand',
      value: dispatcher.function.functionName,
    });
    key.grantEncryptDecrypt(dispatcher.function);
    nagAcknowledgements.stepFunction(dispatcher, dispatcherStatements);

    new Rule(this, 'AlarmTrigger', {
      description: 'Sends every CloudWatch alarm transition into ALARM to the runbook dispatcher',
      eventPattern: {
        source: alarmTriggerPattern.source,
        detailType: alarmTriggerPattern['detail-type'],
        detail: alarmTriggerPattern.detail,
      },
      targets: [
        new LambdaFunction(dispatcher.function, {
          deadLetterQueue: triggerDlq,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    rotation?.addTriggers(dispatcher.function, triggerDlq);
    new Rule(this, 'RuntimeNoticeTrigger', {
      description: 'Sends AWS Health scheduled changes of Lambda (runtime deprecations) to the dispatcher',
      eventPattern: {
        source: ['aws.health'],
        detailType: ['AWS Health Event'],
        detail: { service: ['LAMBDA'], eventTypeCategory: ['scheduledChange'] },
      },
      targets: [
        new LambdaFunction(dispatcher.function, {
          deadLetterQueue: triggerDlq,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    new Rule(this, 'ReleaseLeasesOfFailedRuns', {
      description: 'Releases the target lease of runbook executions that fail, time out or are aborted',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [...this.stateMachines.values()].map((m) => m.stateMachineArn),
        },
      },
      targets: [
        new LambdaFunction(functions['release-lease'], { deadLetterQueue: triggerDlq, retryAttempts: 8 }),
      ],
    });

    new SlackEndpoints(this, 'Slack', {
      environment: props.environment,
      catalogue: catalogueEntries(props.runbooks),
      accessPolicy: props.slackAccess ?? { environments: {} },
      key,
      approvals,
      approvalTable,
      leaseTable: leases,
      stateMachines: [...this.stateMachines.values()],
      dispatcherConfig,
      resolveTargets,
      alarmTopic: platformAlarms,
      deadLetters: triggerDlq,
      failedInvocations,
    });

    // Anything in either queue is an event the platform did not act on: tell the platform's owners.
    const notEmpty = (id: string, queue: IQueue, alarmDescription: string) =>
      new Alarm(this, id, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription,
      }).addAlarmAction(new SnsAction(platformAlarms));
    notEmpty('TriggerDeadLettersVisible', triggerDlq, 'Alarm events could not start a runbook');
    notEmpty(
      'FailedInvocationsVisible',
      failedInvocations,
      'A platform function failed on an event after its retries: redrive it once fixed',
    );
  }
}
