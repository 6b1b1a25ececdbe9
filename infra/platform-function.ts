import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { keyStatement } from './function-grants.js';

/**
 * How every platform function is bundled: one minified, tree-shaken ESM file with a source map.
 * The AWS SDK is bundled rather than taken from the runtime, and packages' ES module builds are
 * preferred (`mainFields`), so a function carries only the clients and commands it uses: runbook
 * steps start cold on nearly every incident, and module load time adds to time to mitigate.
 */
export const platformBundling = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  // Stack traces map to file and line; leaving the sources out of the map makes it a third of the
  // size, and `--enable-source-maps` parses it at every cold start.
  sourcesContent: false,
  // Everything but the SDK's fallback credential providers: the default chain loads them with
  // `import()` only after the environment provider fails, and Lambda always puts the execution
  // role's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  // AWS_SESSION_TOKEN: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
  // The nested STS client is bundled: a step acting in a workload account assumes the spoke role
  // with it (`fromTemporaryCredentials`), and a bundle resolves no package from the runtime.
  externalModules: [
    '@aws-sdk/credential-provider-http',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-login',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/token-providers',
    '@smithy/credential-provider-imds',
  ],
  mainFields: ['module', 'main'],
  // ESM bundles of CommonJS dependencies need a real `require`.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const satisfies BundlingOptions;

export interface PlatformFunctionProps {
  /**
   * The platform's name of the function (its declaration's): deployed as `<stack name>-<name>`, so
   * the platform's own functions share a prefix that every step's policy denies.
   * @default the function gets `functionName`, or a generated name
   */
  readonly name?: string;
  /** Path of the handler module. */
  readonly entry: string;
  /** The module's export to run. Default: `handler`. */
  readonly handler?: string;
  readonly environment?: Readonly<Record<string, string>>;
  /** Default: 30 seconds. */
  readonly timeout?: Duration;
  /** Default: 256 MB. */
  readonly memorySize?: number;
  /** Where the function's error alarm notifies. */
  readonly alarmTopic: ITopic;
  /** Default: one year (audit records live in these logs). */
  readonly logRetention?: RetentionDays;
  /**
   * A fixed name, where others find the function by it (the sandbox's).
   * @default generated, or `<stack name>-<name>` with `name`
   */
  readonly functionName?: string;
  /** Default: none. */
  readonly layers?: readonly ILayerVersion[];

  /**
   * Concurrency reserved for the function, so an alarm storm or a noisy neighbour in the account
   * can never starve the runbooks that fix it. Default: 5, enough for five incidents at once on
   * different targets (a step runs once per execution at a time). The context setting
   * `runbooks:reservedConcurrency=false` turns reservations off, for accounts whose concurrency
   * quota is still the new-account default.
   */
  readonly reservedConcurrency?: number;
  /**
   * For functions invoked asynchronously (EventBridge, SNS, another function): where an event that
   * still fails after Lambda's retries goes, and how many retries. Default: none (invoked synchronously).
   */
  readonly asyncFailures?: { readonly queue: IQueue; readonly retryAttempts: number };
}

/**
 * Every platform Lambda comes from here, with the defaults the platform itself must meet: newest
 * Node.js runtime, arm64, X-Ray tracing, a log group with retention, and an alarm on errors.
 * The step functions are invoked synchronously by Step Functions, which retries and catches
 * their errors; functions invoked asynchronously send what they fail on to a queue.
 */
export class PlatformFunction extends Construct {
  readonly function: NodejsFunction;
  /** The handler module the function is bundled from. */
  readonly entry: string;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    const reserve = String(this.node.tryGetContext('runbooks:reservedConcurrency') ?? 'true') !== 'false';
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const functionName =
      props.functionName ?? (props.name ? `${Stack.of(this).stackName}-${props.name}` : undefined);
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      ...(functionName ? { functionName } : {}),
      ...(reserve ? { reservedConcurrentExecutions: props.reservedConcurrency ?? 5 } : {}),
      ...(props.layers ? { layers: [...props.layers] } : {}),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      logGroup,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'lambda-runbooks',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: platformBundling,
    });
    this.errorsAlarm = new Alarm(this, 'Errors', {
      metric: this.function.metricErrors({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `A runbook step (${id}) failed`,
    });
    this.errorsAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
    if (props.asyncFailures) {
      // EventBridge's and SNS's own dead-letter queues cover delivery only: an event the function
      // fails on after its retries would otherwise be lost. Lambda sends it with the function's
      // role: SendMessage on the queue, and its key through SQS only (CDK's SqsDestination would
      // grant the key for any use).
      const { queue, retryAttempts } = props.asyncFailures;
      this.function.configureAsyncInvoke({
        onFailure: { bind: () => ({ destination: queue.queueArn }) },
        retryAttempts,
      });
      this.function.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
        }),
      );
      if (queue.encryptionMasterKey) {
        this.function.addToRolePolicy(
          keyStatement({ keyArn: queue.encryptionMasterKey.keyArn, service: 'sqs' }, Stack.of(this).region, [
            'kms:GenerateDataKey',
            'kms:Decrypt',
          ]),
        );
      }
    }
  }
}
