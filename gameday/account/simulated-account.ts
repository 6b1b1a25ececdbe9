import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FisClient } from '@aws-sdk/client-fis';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchemasClient } from '@aws-sdk/client-schemas';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type AwsClients,
  type ClientClasses,
  type ClientName,
  lazyClients,
} from '../../handlers/lib/aws-clients.js';
import type { AccountIdentity } from './account-identity.js';
import { EventBus } from './event-bus.js';
import type { CallFaults } from './faults/call-faults.js';
import { SimulatedFis } from './fis/simulated-fis.js';
import { accessDeniedError } from './iam/access-denied.js';
import { type AccessLookups, accessRequestsOf } from './iam/access-requests.js';
import { AccountIam, type Caller } from './iam/account-iam.js';
import { lambdaOperations } from './lambda/lambda-operations.js';
import { SimulatedLambda } from './lambda/simulated-lambda.js';
import { MetricStore, minuteMs } from './metric-store.js';
import { bindClient, type CallAuthorizer, type CallWrapper, type OperationLookup } from './sdk-binding.js';
import { SimulatedSecretsManager } from './secrets/simulated-secrets-manager.js';
import { SimulatedApiGateway } from './simulated-api-gateway.js';
import { SimulatedCloudFormation } from './simulated-cloudformation.js';
import { SimulatedCloudWatch } from './simulated-cloudwatch.js';
import { SimulatedDynamoDb } from './simulated-dynamodb.js';
import { SimulatedKms } from './simulated-kms.js';
import { SimulatedS3 } from './simulated-s3.js';
import { SimulatedSchemas } from './simulated-schemas.js';
import { SimulatedSns } from './simulated-sns.js';
import { SimulatedStepFunctions } from './simulated-step-functions.js';
import { SimulatedSqs } from './sqs/simulated-sqs.js';
import { VirtualClock } from './virtual-clock.js';
import { requestOf, type Workload } from './workloads.js';

/** The real SDK clients of every service the platform calls. */
const allClientClasses: ClientClasses<ClientName> = {
  lambda: LambdaClient,
  cloudwatch: CloudWatchClient,
  apiGateway: APIGatewayClient,
  sns: SNSClient,
  sfn: SFNClient,
  dynamodb: DynamoDBClient,
  secretsManager: SecretsManagerClient,
  sqs: SQSClient,
  fis: FisClient,
  schemas: SchemasClient,
  kms: KMSClient,
  s3: S3Client,
  cloudformation: CloudFormationClient,
};

/**
 * A call a role session made in the account, as CloudTrail records it: who (with the source
 * identity the session carries), what, when.
 */
export interface TrailEntry {
  readonly at: string;
  readonly principal: string;
  readonly sourceIdentity?: string;
  /** The SDK client's name, e.g. `LambdaClient`. */
  readonly service: string;
  readonly operation: string;
}

export interface SimulatedAccountOptions {
  readonly start: Date;
  readonly accountId?: string;
  readonly region?: string;
  /**
   * The clock the account keeps time by: accounts of one simulated organization share one.
   * @default a clock of its own, at `start`
   */
  readonly clock?: VirtualClock;
}

/**
 * A simulated AWS account on a virtual clock: the services runbooks depend on, traffic that produces
 * metrics every minute, alarms that evaluate them and EventBridge delivery of their state changes.
 */
export class SimulatedAccount {
  readonly identity: AccountIdentity;
  readonly clock: VirtualClock;
  readonly metrics = new MetricStore();
  /** The default event bus. */
  readonly bus = new EventBus();
  private readonly customBuses = new Map<string, EventBus>();
  readonly cloudwatch: SimulatedCloudWatch;
  readonly lambda: SimulatedLambda;
  readonly apiGateway: SimulatedApiGateway;
  readonly sns: SimulatedSns;
  readonly dynamodb = new SimulatedDynamoDb();
  readonly stepFunctions: SimulatedStepFunctions;
  readonly sqs: SimulatedSqs;
  readonly secretsManager: SimulatedSecretsManager;
  readonly fis: SimulatedFis;
  readonly schemas: SimulatedSchemas;
  readonly kms: SimulatedKms;
  readonly cloudformation: SimulatedCloudFormation;
  readonly s3: SimulatedS3;
  /** Resource policies, customer-managed keys and the decision on every call made as a caller. */
  readonly iam: AccountIam;
  /** Every call a caller (a role session) made that IAM allowed, in order. */
  readonly trail: TrailEntry[] = [];
  /** Faults injected into the calls callers make (the platform's functions), when a game day asks. */
  faults: CallFaults | undefined;
  private readonly accessLookups: AccessLookups;
  private readonly workloads: Workload[] = [];
  private processedUntil: number;

  constructor(options: SimulatedAccountOptions) {
    this.identity = { accountId: options.accountId ?? '123456789012', region: options.region ?? 'eu-west-1' };
    this.clock = options.clock ?? new VirtualClock(options.start);
    this.iam = new AccountIam(this.identity);
    this.accessLookups = this.lookupsForAccess();
    this.processedUntil = Math.floor(options.start.getTime() / minuteMs) * minuteMs;
    this.sns = new SimulatedSns(this.identity, this.clock);
    this.cloudwatch = new SimulatedCloudWatch(
      this.identity,
      this.metrics,
      this.clock,
      this.bus,
      this.iam,
      this.sns,
    );
    this.lambda = new SimulatedLambda(this.identity, this.metrics, this.clock);
    this.apiGateway = new SimulatedApiGateway(this.identity, this.metrics, this.clock);
    this.schemas = new SimulatedSchemas(this.identity, this.clock);
    this.kms = new SimulatedKms(this.identity);
    this.cloudformation = new SimulatedCloudFormation(this.identity);
    this.s3 = new SimulatedS3(this.clock);
    this.stepFunctions = new SimulatedStepFunctions(this.identity, this.clock, this.bus);
    this.secretsManager = new SimulatedSecretsManager(
      this.identity,
      this.clock,
      this.bus,
      this.lambda,
      this.iam,
    );
    this.fis = new SimulatedFis(this.clock, this.lambda, this.cloudwatch);
    this.sqs = new SimulatedSqs(
      this.identity,
      this.clock,
      this.metrics,
      (queueArn) => {
        const mapping = this.lambda.mappings.of(queueArn);
        if (!mapping) return undefined;
        const reserved = this.lambda.concurrency.reservedOf(this.lambda.fn(mapping.functionArn).name);
        return {
          batchSize: mapping.batchSize,
          ...(mapping.maximumConcurrency === undefined
            ? {}
            : { maximumConcurrency: mapping.maximumConcurrency }),
          ...(reserved === undefined ? {} : { reserved }),
        };
      },
      (functionName, served, at) => {
        // A consumer with no function in this account (a benchmark's bare queue) publishes nothing.
        if (!this.lambda.has(functionName)) return;
        this.lambda.invocations.recordInvocations(
          functionName,
          served.invocations,
          served.errors,
          at,
          0,
          served.concurrency,
        );
      },
    );
  }

  /** The event bus of that name (created on first use, as a stack creates it), the default's too. */
  eventBus(name = 'default'): EventBus {
    if (name === 'default') return this.bus;
    let bus = this.customBuses.get(name);
    if (!bus) {
      bus = new EventBus();
      this.customBuses.set(name, bus);
    }
    return bus;
  }

  addWorkload(workload: Workload): void {
    this.workloads.push(workload);
  }

  /**
   * Moves virtual time forward. At every minute boundary crossed, the minute's traffic is served and
   * every alarm evaluated, so alarms fire (and events are delivered) at the minute they would in AWS.
   */
  advance(seconds: number): void {
    this.advanceTo(this.clock.now().getTime() + seconds * 1000);
  }

  /**
   * Moves virtual time forward to `target` (epoch milliseconds), serving every minute this account
   * has not served yet: accounts sharing a clock are each moved to the same time.
   */
  advanceTo(target: number): void {
    for (let boundary = this.processedUntil + minuteMs; boundary <= target; boundary += minuteMs) {
      // Injected API latency moves the clock without serving minutes; those are served now, late.
      if (boundary > this.clock.now().getTime()) this.clock.set(boundary);
      const minuteStart = new Date(boundary - minuteMs);
      this.serveWorkloads(minuteStart);
      this.sqs.tick(new Date(boundary));
      this.cloudwatch.evaluateAlarms();
      this.fis.tick();
      this.processedUntil = boundary;
    }
    this.clock.set(target);
    this.sqs.tick();
  }

  /**
   * Runs the work services do on their own after a call returned and that is due by now: alarm
   * actions CloudWatch carries out, and rotations Secrets Manager drives by invoking a function,
   * whose code calls back into the account.
   */
  async runServices(): Promise<void> {
    await this.cloudwatch.actions.run();
    await this.secretsManager.rotations.runDue();
  }

  /** Every workload's requests of the minute, served together: they share the account's concurrency. */
  private serveWorkloads(minuteStart: Date): void {
    const requests = this.workloads.map((w) =>
      requestOf(w, minuteStart, (api) => this.apiGateway.target(api)),
    );
    const results = this.lambda.invocations.serveMinute(requests, minuteStart);
    this.workloads.forEach((w, i) => {
      const result = results[i];
      // API Gateway answers 5XX for a failed or throttled Lambda integration.
      if (w.kind === 'api' && result) {
        this.apiGateway.record(w.apiName, w.requestsPerMinute, result.errors + result.throttled, minuteStart);
      }
    });
  }

  /**
   * SDK v3 clients of every service the platform uses, answered by this account. With a caller
   * (a function's role session), every call is authorized as that caller first, and a denied call
   * fails with the service's AccessDenied error and changes nothing; without one, the clients act
   * as the account's administrator (game-day setup, people's tooling). `beforeEachCall` runs
   * first on every call (a session's credentials, say, that may be refused).
   */
  clients(caller?: Caller, beforeEachCall?: () => Promise<void>): AwsClients {
    const authorize = caller ? this.authorizerFor(caller, beforeEachCall) : undefined;
    // Faults are the platform's to meet: people's tooling and the game day's setup see none.
    const wrap: CallWrapper | undefined = caller
      ? (service, operation, run) => (this.faults ? this.faults.call(service, operation, run) : run())
      : undefined;
    return lazyClients(allClientClasses, {
      region: this.identity.region,
      configure: (client) => bindClient(client, this.lookup, authorize, wrap),
    });
  }

  /** What authorizing a call needs to resolve: names to ARNs, tokens to state machines. */
  private lookupsForAccess(): AccessLookups {
    return {
      identity: this.identity,
      queueArn: (urlOrName) => {
        const name = urlOrName.split('/').pop() ?? urlOrName;
        return `arn:aws:sqs:${this.identity.region}:${this.identity.accountId}:${name}`;
      },
      mappingFunctionArn: (uuid) => {
        try {
          return this.lambda.mappings.get(uuid).FunctionArn;
        } catch {
          return undefined;
        }
      },
      secretArn: (secretId) => {
        try {
          return this.secretsManager.store.get(secretId).arn;
        } catch {
          return secretId.startsWith('arn:')
            ? secretId
            : `arn:aws:secretsmanager:${this.identity.region}:${this.identity.accountId}:secret:${secretId}`;
        }
      },
      rotationFunctionOf: (secretId) => {
        try {
          return this.secretsManager.store.get(secretId).rotation.lambdaArn;
        } catch {
          return undefined;
        }
      },
      stateMachineOfTaskToken: (token) => this.stepFunctions.stateMachineOfTaskToken(token),
    };
  }

  private authorizerFor(caller: Caller, beforeEachCall?: () => Promise<void>): CallAuthorizer {
    return async (clientName, operation, input) => {
      await beforeEachCall?.();
      const requests = accessRequestsOf(clientName, operation, input, this.accessLookups);
      if (!requests) return;
      const denial = await this.iam.authorize(caller, requests);
      if (denial) throw accessDeniedError(clientName, denial);
      this.trail.push({
        at: this.clock.now().toISOString(),
        principal: caller.principal,
        ...(caller.sourceIdentity ? { sourceIdentity: caller.sourceIdentity } : {}),
        service: clientName,
        operation,
      });
    };
  }

  private readonly lookup: OperationLookup = (clientName, operation) =>
    this.operations()[clientName]?.[operation] as ((input: unknown) => unknown) | undefined;

  private operationTable?: Record<string, Record<string, (input: never) => unknown>>;

  /** Every modelled operation by client and command name, built once: lookups happen on every call. */
  private operations(): Record<string, Record<string, (input: never) => unknown>> {
    if (this.operationTable) return this.operationTable;
    this.operationTable = {
      LambdaClient: lambdaOperations(this.lambda, this.clock),
      CloudWatchClient: {
        GetMetricData: (input) => this.cloudwatch.getMetricData(input),
        DescribeAlarms: (input) => this.cloudwatch.describeAlarms(input),
        DescribeAlarmHistory: (input) => this.cloudwatch.describeAlarmHistory(input),
        PutMetricAlarm: (input) => this.cloudwatch.putMetricAlarm(input),
        ListTagsForResource: (input) => this.cloudwatch.listTagsForResource(input),
      },
      DynamoDBClient: {
        GetItem: (input) => this.dynamodb.getItem(input),
        PutItem: (input) => this.dynamodb.putItem(input),
        UpdateItem: (input) => this.dynamodb.updateItem(input),
        DeleteItem: (input) => this.dynamodb.deleteItem(input),
        Query: (input) => this.dynamodb.query(input),
      },
      SFNClient: {
        StartExecution: (input) => this.stepFunctions.startExecution(input),
        DescribeExecution: (input) => this.stepFunctions.describeExecution(input),
        DescribeStateMachineForExecution: (input) =>
          this.stepFunctions.describeStateMachineForExecution(input),
        ListStateMachines: () => this.stepFunctions.listStateMachines(),
        ListExecutions: (input) => this.stepFunctions.listExecutions(input),
        GetExecutionHistory: (input) => this.stepFunctions.history.page(input),
        SendTaskSuccess: (input) => this.stepFunctions.sendTaskSuccess(input),
        SendTaskFailure: (input) => this.stepFunctions.sendTaskFailure(input),
      },
      APIGatewayClient: {
        GetRestApis: (input) => this.apiGateway.getRestApis(input),
        GetResources: (input) => this.apiGateway.getResources(input),
      },
      SchemasClient: {
        DescribeSchema: (input) => this.schemas.describeSchema(input),
        CreateSchema: (input) => this.schemas.createSchema(input),
      },
      SecretsManagerClient: this.secretsManager.operations(),
      FisClient: this.fis.operations(),
      KMSClient: this.kms.operations(),
      S3Client: this.s3.operations(),
      CloudFormationClient: this.cloudformation.operations(),
      SNSClient: {
        Publish: (input) => this.sns.publish(input),
        ListSubscriptionsByTopic: (input) => this.sns.listSubscriptionsByTopic(input),
      },
      // Every SQS answer waits the account's wall-clock latency, if any (benchmarks).
      SQSClient: this.sqs.withWallLatency({
        GetQueueUrl: (input) => this.sqs.getQueueUrl(input),
        GetQueueAttributes: (input) => this.sqs.getQueueAttributes(input),
        SetQueueAttributes: (input) => this.sqs.setQueueAttributes(input),
        ListDeadLetterSourceQueues: (input) => this.sqs.listDeadLetterSourceQueues(input),
        SendMessage: (input) => this.sqs.sendMessage(input),
        SendMessageBatch: (input) => this.sqs.sendMessageBatch(input),
        ReceiveMessage: (input) => this.sqs.receiveMessage(input),
        DeleteMessage: (input) => this.sqs.deleteMessage(input),
        DeleteMessageBatch: (input) => this.sqs.deleteMessageBatch(input),
        ChangeMessageVisibilityBatch: (input) => this.sqs.changeMessageVisibilityBatch(input),
        StartMessageMoveTask: (input) => this.sqs.startMessageMoveTask(input),
        ListMessageMoveTasks: (input) => this.sqs.listMessageMoveTasks(input),
        CancelMessageMoveTask: (input) => this.sqs.cancelMessageMoveTask(input),
      }),
    };
    return this.operationTable;
  }
}
