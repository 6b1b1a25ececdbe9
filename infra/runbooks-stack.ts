import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DeployedRunbook } from '../handlers/dispatcher/dispatcher-config.js';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import { dispatcherFunction } from '../handlers/dispatcher/handler.js';
import { alarmTriggerPattern } from '../handlers/dispatcher/trigger-patterns.js';
import type { RouteRule } from '../handlers/lib/alarm-routing.js';
import type { Permission } from '../handlers/lib/define-step.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import { stepsOf } from '../handlers/step-catalogue.js';
import { stepLogicalName } from '../handlers/steps.js';
import { deployedRunbook, eventTriggersOf } from '../runbooks/deployment.js';
import type { RunbookDefinition, RunbookFunctions } from '../runbooks/index.js';
import type { AccessPolicy } from '../slack/access-policy.js';
import { catalogueEntries } from '../slack/slash-command.js';
import { definitionComment } from '../state-machines/render-asl.js';
import type { DeadLetterQueueSetting } from './context-settings.js';
import { deploymentScope } from './deployment-scope.js';
import { writeDispatcherEntry } from './dispatcher-entry.js';
import { type DeploymentScope, statementsFor } from './function-grants.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction } from './platform-function.js';
import { platformKey, platformTopic } from './platform-key.js';
import { type RotatedSecret, SecretRotation } from './secret-rotation.js';
import { SlackEndpoints } from './slack-endpoints.js';

export interface RunbooksStackProps extends StackProps {
  readonly runbooks: readonly RunbookDefinition[];
  /** Selects each runbook's approval policy. */
  readonly environment: Environment;
  /**
   * Lambda function ARNs (wildcards allowed) the runbooks may act on.
   * @default every function in the account and region
   */
  readonly targetFunctionArns?: readonly string[];
  /**
   * The DLQs the DLQ replay may act on, each with its source queue and consumer function.
   * @default every queue in the account and region, consumers among the target functions
   */
  readonly deadLetterQueues?: readonly DeadLetterQueueSetting[];
  /**
   * Routing table for alarms without a `runbook` tag.
   * @default none (tagged alarms only)
   */
  readonly routes?: readonly RouteRule[];
  /**
   * Who may start and approve from Slack.
   * @default nobody
   */
  readonly slackAccess?: AccessPolicy;
  /**
   * Secrets the secret-rotation runbook rotates, and the credential adapter its rotation function calls.
   * @default none
   */
  readonly rotation?: { readonly secrets: readonly RotatedSecret[]; readonly credentialAdapterArn: string };
}

/** `['a', 'b']`, values → `{ a: { b: values } }`: a pattern's field nested in the event's detail. */
function nestedField(path: readonly string[], values: readonly string[]): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), [...values]) as Record<
    string,
    unknown
  >;
}

/** The dispatcher as EventBridge's target: retried for two hours, then kept in the dead-letter queue. */
function toDispatcher(dispatcher: PlatformFunction, deadLetters: IQueue): LambdaFunction {
  return new LambdaFunction(dispatcher.function, {
    deadLetterQueue: deadLetters,
    retryAttempts: 8,
    maxEventAge: Duration.hours(2),
  });
}

/** A platform function and the permissions its declaration names, granted once everything exists. */
interface DeclaredFunction {
  readonly fn: PlatformFunction;
  readonly permissions: readonly Permission[];
}

/**
 * The platform: one Lambda per step handler, one state machine per runbook built by the runbook's
 * own `build`, the dispatcher that alarm state changes reach through EventBridge, the lease table,
 * topics for approvals and escalations, and the platform's own alarms. Every function's identity
 * policy is derived from its declaration and the deployment's scope, nothing else.
 */
export class RunbooksStack extends Stack {
  readonly stateMachines = new Map<string, StateMachine>();

  constructor(scope: Construct, id: string, props: RunbooksStackProps) {
    super(scope, id, props);
    const key = platformKey(this);
    const escalations = platformTopic(this, 'Escalations', key);
    const approvals = platformTopic(this, 'Approvals', key);
    const platformAlarms = platformTopic(this, 'PlatformAlarms', key, true);

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
    const queue = (id: string) => {
      const created = new Queue(this, id, {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      nagAcknowledgements.deadLetterQueue(created);
      return created;
    };
    const triggerDlq = queue('TriggerDeadLetters');
    // Events the platform's asynchronously invoked functions failed on after Lambda's retries:
    // `runbook redrive-failed-dispatches` sends them back once the cause is fixed.
    const failedInvocations = queue('FailedInvocations');
    new CfnOutput(this, 'FailedInvocationsQueueUrl', {
      description: 'What `runbook redrive-failed-dispatches --queue` reads',
      value: failedInvocations.queueUrl,
    });
    const declared: DeclaredFunction[] = [];
    const rotation = props.rotation
      ? new SecretRotation(this, 'SecretRotation', {
          ...props.rotation,
          idempotencyTableName: idempotency.tableName,
          alarmTopic: platformAlarms,
        })
      : undefined;
    if (rotation) declared.push(rotation.declared);

    const stepFunctions = stepsOf(props.runbooks).map((step) => {
      const fn = new PlatformFunction(this, stepLogicalName(step.name), {
        name: step.name,
        entry: fileURLToPath(step.module),
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
        ...(step.name === 'release-lease'
          ? { asyncFailures: { queue: failedInvocations, retryAttempts: 2 } }
          : {}),
      });
      declared.push({ fn, permissions: step.permissions });
      return [step.name, fn.function] as const;
    });
    const functions: RunbookFunctions = Object.fromEntries(stepFunctions);
    const releaseLease = functions['release-lease'];
    if (!releaseLease) throw new Error('no runbook has the release-lease step that ends every run');

    const deployed: Record<string, DeployedRunbook> = {};
    for (const runbook of props.runbooks) {
      const machine = this.stateMachineOf(runbook, functions);
      deployed[runbook.id] = deployedRunbook(runbook, machine.stateMachineArn);
      nagAcknowledgements.stateMachine(
        machine,
        stepFunctions.map(([, fn]) => fn),
      );
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
      accountId: this.account,
      region: this.region,
    });
    const eventTriggers = eventTriggersOf(props.runbooks);
    const dispatcher = new PlatformFunction(this, 'Dispatcher', {
      name: dispatcherFunction.name,
      // The handler with the deployed runbooks' trigger modules, and nothing else of them.
      entry: writeDispatcherEntry(eventTriggers),
      environment: { DISPATCHER_CONFIG: dispatcherConfig },
      alarmTopic: platformAlarms,
      // An alarm storm reaches the dispatcher first; it answers each event in milliseconds.
      reservedConcurrency: 20,
      asyncFailures: { queue: failedInvocations, retryAttempts: 2 },
    });
    declared.push({ fn: dispatcher, permissions: dispatcherFunction.permissions });
    new CfnOutput(this, 'DispatcherFunctionName', {
      description: 'What `runbook start --dispatcher` invokes to start a runbook by hand',
      value: dispatcher.function.functionName,
    });
    this.addTriggers(dispatcher, triggerDlq, releaseLease);
    rotation?.addTriggers(dispatcher.function, triggerDlq);

    const slack = new SlackEndpoints(this, 'Slack', {
      environment: props.environment,
      catalogue: catalogueEntries(props.runbooks),
      accessPolicy: props.slackAccess ?? { environments: {} },
      key,
      approvals,
      approvalTableName: approvalTable.tableName,
      dispatcherConfig,
      alarmTopic: platformAlarms,
      deadLetters: triggerDlq,
      failedInvocations,
    });
    declared.push(...slack.declared);

    const grantScope = deploymentScope(
      this,
      {
        keyArn: key.keyArn,
        leaseTableArn: leases.tableArn,
        approvalTableArn: approvalTable.tableArn,
        idempotencyTableArn: idempotency.tableArn,
        escalationTopicArn: escalations.topicArn,
        approvalTopicArn: approvals.topicArn,
        stateMachineArns: [...this.stateMachines.values()].map((m) => m.stateMachineArn),
        executionArns: [...this.stateMachines.values()].map(
          (m) =>
            `arn:${this.partition}:states:${this.region}:${this.account}:execution:${m.stateMachineName}:*`,
        ),
        slackCredentialsArn: slack.secret.secretArn,
        slackWorkerArns: slack.workerArns,
        ...(rotation ? { rotationFunctionArn: rotation.rotationFunction.function.functionArn } : {}),
      },
      {
        ...(props.targetFunctionArns ? { targetFunctionArns: props.targetFunctionArns } : {}),
        ...(props.deadLetterQueues ? { deadLetterQueues: props.deadLetterQueues } : {}),
        rotatedSecrets: props.rotation?.secrets ?? [],
        ...(props.rotation ? { credentialAdapterArn: props.rotation.credentialAdapterArn } : {}),
      },
    );
    for (const { fn, permissions } of declared) {
      const statements = statementsFor(permissions, grantScope);
      for (const statement of statements) fn.function.addToRolePolicy(statement);
      nagAcknowledgements.platformFunction(fn, statements);
    }
    this.addEventTriggers(eventTriggers, grantScope, dispatcher, triggerDlq);

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

  /** A runbook's state machine, built by its own `build`, logged without state data, traced. */
  private stateMachineOf(runbook: RunbookDefinition, functions: RunbookFunctions): StateMachine {
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
    return machine;
  }

  /**
   * A rule per event trigger of the deployed runbooks, with its pattern, to the dispatcher; a
   * trigger narrowed to a kind of resource matches the deployment's resources of that kind (exact
   * ARNs), and has no rule when there are none.
   */
  private addEventTriggers(
    triggers: readonly EventTrigger[],
    scope: DeploymentScope,
    dispatcher: PlatformFunction,
    deadLetters: IQueue,
  ): void {
    for (const trigger of triggers) {
      let detail: Record<string, unknown> = { ...trigger.pattern.detail };
      if (trigger.resources) {
        const { path, kind } = trigger.resources;
        const arns = scope.kinds[kind].arns;
        if (arns.length === 0) continue;
        if (arns.some((arn) => arn.includes('*')))
          throw new Error(
            `${trigger.runbook}'s event trigger matches ${kind} by exact ARN; got ${arns.join(', ')}`,
          );
        detail = { ...detail, ...nestedField(path, arns) };
      }
      const [source] = trigger.pattern.source;
      new Rule(this, `${trigger.runbook}-${source}-trigger`, {
        description: `Starts ${trigger.runbook}: ${trigger.description}`.slice(0, 512),
        eventPattern: {
          source: [...trigger.pattern.source],
          detailType: [...trigger.pattern['detail-type']],
          detail,
        },
        targets: [toDispatcher(dispatcher, deadLetters)],
      });
    }
  }

  /** Alarm transitions into ALARM reach the dispatcher; executions that fail, time out or are aborted have their lease released. */
  private addTriggers(dispatcher: PlatformFunction, deadLetters: IQueue, releaseLease: IFunction): void {
    new Rule(this, 'AlarmTrigger', {
      description: 'Sends every CloudWatch alarm transition into ALARM to the runbook dispatcher',
      eventPattern: {
        source: alarmTriggerPattern.source,
        detailType: alarmTriggerPattern['detail-type'],
        detail: alarmTriggerPattern.detail,
      },
      targets: [toDispatcher(dispatcher, deadLetters)],
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
      targets: [new LambdaFunction(releaseLease, { deadLetterQueue: deadLetters, retryAttempts: 8 })],
    });
  }
}
