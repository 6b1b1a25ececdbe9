import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DeployedRunbook } from '../handlers/dispatcher/dispatcher-config.js';
import { dispatcherFunction } from '../handlers/dispatcher/handler.js';
import { evidenceManifestFunction } from '../handlers/evidence/evidence-manifest.js';
import { evidenceWriterFunction } from '../handlers/evidence/write-evidence.js';
import type { RouteRule } from '../handlers/lib/alarm-routing.js';
import { type ChangeBudgetSettings, defaultChangeBudget } from '../handlers/lib/change-budget.js';
import type { Permission } from '../handlers/lib/define-step.js';
import type { RegisteredAccount } from '../handlers/lib/organization.js';
import { actsInWorkloadAccounts } from '../handlers/lib/spoke-role.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import { stepsOf } from '../handlers/step-catalogue.js';
import { stepLogicalName } from '../handlers/steps.js';
import { catalogueEntries, deployedRunbook, eventTriggersOf } from '../runbooks/deployment.js';
import type { RunbookDefinition, RunbookFunctions } from '../runbooks/index.js';
import type { AccessPolicy } from '../slack/access-policy.js';
import type { DeadLetterQueueSetting, EvidenceSettings } from './context-settings.js';
import { deploymentScope } from './deployment-scope.js';
import { Dispatcher } from './dispatcher.js';
import { EvidenceStore } from './evidence-store.js';
import { statementsFor } from './function-grants.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { OrganizationAccess } from './organization-access.js';
import { OrganizationalUnitBus } from './organizational-unit-bus.js';
import { PlatformFunction } from './platform-function.js';
import { platformKey, platformTopic } from './platform-key.js';
import { RunbookStateMachine } from './runbook-state-machine.js';
import { type RotatedSecret, SecretRotation } from './secret-rotation.js';
import { SlackEndpoints } from './slack-endpoints.js';

export interface RunbooksStackProps extends StackProps {
  /** The runbooks it deploys, with their state machines (`definitions`, and `loadDefinitions` for a team's own). */
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
   * The budget of automated change and its circuit breaker.
   * @default 20 automated changes an hour; paused after 3 failed or rolled-back changes within an hour
   */
  readonly changeBudget?: ChangeBudgetSettings;
  /**
   * Object Lock of the evidence records.
   * @default COMPLIANCE, 400 days
   */
  readonly evidence?: EvidenceSettings;
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
  /**
   * The organization this hub serves and its registered workload accounts: spokes may forward
   * events to this account's bus, and the steps that act in workload accounts may assume the spoke
   * role there (`SpokeStack`).
   * @default none: the platform acts in its own account only
   */
  readonly organization?: {
    readonly organizationId: string;
    readonly accounts: readonly RegisteredAccount[];
  };
}

/** The workload accounts listed by id, each under its environment's approval policy. */
function registeredAccounts(props: RunbooksStackProps) {
  return (props.organization?.accounts ?? []).flatMap((a) =>
    'accountId' in a ? [{ accountId: a.accountId, environment: a.environment, regions: [...a.regions] }] : [],
  );
}

/** The organizational units listed: their accounts' events come through the unit's own bus. */
function registeredUnits(props: RunbooksStackProps) {
  return (props.organization?.accounts ?? []).flatMap((a) =>
    'organizationalUnitId' in a
      ? [
          {
            organizationalUnitId: a.organizationalUnitId,
            environment: a.environment,
            regions: [...a.regions],
          },
        ]
      : [],
  );
}

/** A platform function and the permissions its declaration names, granted once everything exists. */
interface DeclaredFunction {
  readonly fn: PlatformFunction;
  readonly permissions: readonly Permission[];
}

/**
 * The platform: one Lambda per step handler, a `RunbookStateMachine` per runbook built by the
 * runbook's own `build`, the `Dispatcher` that alarms and the runbooks' event triggers reach through
 * EventBridge, the lease, idempotency and approval tables, topics for approvals and escalations,
 * `SlackEndpoints`, the optional `SecretRotation`, and the platform's own alarms. Every function's
 * identity policy is derived from its declaration and the deployment's scope, nothing else.
 */
export class RunbooksStack extends Stack {
  readonly stateMachines = new Map<string, StateMachine>();

  constructor(scope: Construct, id: string, props: RunbooksStackProps) {
    super(scope, id, props);
    const key = platformKey(this);
    const escalations = platformTopic(this, 'Escalations', key);
    const approvals = platformTopic(this, 'Approvals', key);
    const platformAlarms = platformTopic(this, 'PlatformAlarms', key, true);

    const table = (id: string, partitionKey: string, ttl: string, sortKey?: string) =>
      new Table(this, id, {
        partitionKey: { name: partitionKey, type: AttributeType.STRING },
        ...(sortKey ? { sortKey: { name: sortKey, type: AttributeType.STRING } } : {}),
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
    // Every change a run's steps make, by execution: what its evidence record is built from.
    const auditTable = table('AuditRecords', 'executionId', 'ttl', 'sk');
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
    // What a first deploy subscribes people to: on-call to escalations, the platform's owners to its alarms.
    for (const [id, topic, description] of [
      [
        'EscalationsTopicArn',
        escalations,
        'Subscribe on-call: runs that need a person, with what the run knows',
      ],
      [
        'ApprovalsTopicArn',
        approvals,
        'Approval requests (the Slack notifier posts them; subscribe an audit copy if wanted)',
      ],
      [
        'PlatformAlarmsTopicArn',
        platformAlarms,
        'Subscribe the platform’s owners: the platform’s own alarms',
      ],
    ] as const) {
      new CfnOutput(this, id, { description, value: topic.topicArn });
    }
    new CfnOutput(this, 'LeaseTableName', {
      description: 'What `runbook resume --table` resumes automatic remediation in',
      value: leases.tableName,
    });
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

    const workloadSteps: PlatformFunction[] = [];
    const stepFunctions = stepsOf(props.runbooks).map((step) => {
      const fn = new PlatformFunction(this, stepLogicalName(step.name), {
        name: step.name,
        entry: fileURLToPath(step.module),
        environment: {
          RUNBOOK_ENVIRONMENT: props.environment,
          PLATFORM_STACK_NAME: this.stackName,
          ESCALATION_TOPIC_ARN: escalations.topicArn,
          APPROVAL_TOPIC_ARN: approvals.topicArn,
          LEASE_TABLE_NAME: leases.tableName,
          IDEMPOTENCY_TABLE_NAME: idempotency.tableName,
          AUDIT_TABLE_NAME: auditTable.tableName,
          APPROVAL_TABLE_NAME: approvalTable.tableName,
        },
        alarmTopic: platformAlarms,
        // The lease release is also an EventBridge target (failed runs): it is invoked asynchronously.
        ...(step.name === 'release-lease'
          ? { asyncFailures: { queue: failedInvocations, retryAttempts: 2 } }
          : {}),
      });
      declared.push({ fn, permissions: step.permissions });
      if (actsInWorkloadAccounts(step)) workloadSteps.push(fn);
      return [step.name, fn.function] as const;
    });
    const hub = props.organization && {
      accountId: this.account,
      region: this.region,
      organizationId: props.organization.organizationId,
      stackName: this.stackName,
    };
    if (props.organization && hub) {
      new OrganizationAccess(this, 'Organization', {
        hub,
        accounts: props.organization.accounts,
        workloadSteps,
      });
    }
    const functions: RunbookFunctions = Object.fromEntries(stepFunctions);
    const releaseLease = functions['release-lease'];
    if (!releaseLease) throw new Error('no runbook has the release-lease step that ends every run');

    const deployed: Record<string, DeployedRunbook> = {};
    for (const runbook of props.runbooks) {
      const { stateMachine } = new RunbookStateMachine(this, runbook.id, {
        runbook,
        functions,
        alarmTopic: platformAlarms,
      });
      this.stateMachines.set(runbook.id, stateMachine);
      deployed[runbook.id] = deployedRunbook(runbook, stateMachine.stateMachineArn);
    }

    const dispatcher = new Dispatcher(this, 'Dispatcher', {
      runbooks: deployed,
      eventTriggers: eventTriggersOf(props.runbooks),
      ...(props.routes ? { routes: props.routes } : {}),
      changeBudget: props.changeBudget ?? defaultChangeBudget,
      accounts: registeredAccounts(props),
      organizationalUnits: registeredUnits(props),
      environment: props.environment,
      leaseTable: leases,
      alarmTopic: platformAlarms,
      deadLetters: triggerDlq,
      failedInvocations,
    });
    declared.push({ fn: dispatcher.platformFunction, permissions: dispatcherFunction.permissions });
    if (hub) {
      for (const unit of registeredUnits(props)) {
        new OrganizationalUnitBus(this, `Unit-${unit.organizationalUnitId}`, {
          hub,
          organizationalUnitId: unit.organizationalUnitId,
          runbooks: props.runbooks,
          dispatcher,
        });
      }
    }
    new CfnOutput(this, 'DispatcherFunctionName', {
      description: 'What `runbook start --dispatcher` invokes to start a runbook by hand',
      value: dispatcher.platformFunction.function.functionName,
    });
    this.releaseLeasesOfFailedRuns(releaseLease, triggerDlq);
    rotation?.addTriggers(dispatcher);

    const slack = new SlackEndpoints(this, 'Slack', {
      environment: props.environment,
      catalogue: catalogueEntries(props.runbooks),
      accessPolicy: props.slackAccess ?? { environments: {} },
      key,
      approvals,
      approvalTableName: approvalTable.tableName,
      dispatcherConfig: dispatcher.config,
      alarmTopic: platformAlarms,
      deadLetters: triggerDlq,
      failedInvocations,
    });
    declared.push(...slack.declared);
    new CfnOutput(this, 'SlackCredentialsSecretArn', {
      description: 'Put the Slack app’s signing secret and bot token here (README, Slack)',
      value: slack.secret.secretArn,
    });

    const evidence = new EvidenceStore(this, 'Evidence', {
      settings: props.evidence ?? { mode: 'COMPLIANCE', retentionDays: 400 },
      key,
      stateMachines: [...this.stateMachines.values()],
      auditTableName: auditTable.tableName,
      alarmTopic: platformAlarms,
      deadLetters: triggerDlq,
      failedInvocations,
    });
    declared.push(
      { fn: evidence.writer, permissions: evidenceWriterFunction.permissions },
      { fn: evidence.manifest, permissions: evidenceManifestFunction.permissions },
    );
    new CfnOutput(this, 'EvidenceBucketName', {
      description: 'The write-once evidence records (runbook evidence --aws reads them)',
      value: evidence.bucket.bucketName,
    });
    new CfnOutput(this, 'EvidenceSigningKeyArn', {
      description: 'The key evidence records are signed with: its public key verifies them offline',
      value: evidence.signingKey.keyArn,
    });

    const grantScope = deploymentScope(
      this,
      {
        keyArn: key.keyArn,
        leaseTableArn: leases.tableArn,
        approvalTableArn: approvalTable.tableArn,
        idempotencyTableArn: idempotency.tableArn,
        auditTableArn: auditTable.tableArn,
        evidenceSigningKeyArn: evidence.signingKey.keyArn,
        evidenceBucketArn: evidence.bucket.bucketArn,
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
    dispatcher.addEventTriggers(grantScope);

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

  /** Executions that fail, time out or are aborted have their lease released. */
  private releaseLeasesOfFailedRuns(releaseLease: IFunction, deadLetters: IQueue): void {
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
