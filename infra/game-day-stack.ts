import { Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { AccessLogFormat, LambdaRestApi, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnExperimentTemplate } from 'aws-cdk-lib/aws-fis';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { experimentTemplate, sandboxTag } from '../gameday/faults/game-day-fault.js';
import { blastRadiusAlarm, checkoutExperiments } from '../gameday/scenarios/api-5xx-spike/checkout-faults.js';
import { throttlingExperiments } from '../gameday/scenarios/lambda-throttling/throttling-faults.js';
import {
  type FisExtension,
  fisPrefix,
  fisTarget,
  ordersApi,
  sandboxCode,
  trafficEveryMinute,
} from './game-day-targets.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction } from './platform-function.js';
import { platformKey, platformTopic } from './platform-key.js';

/**
 * The game-day sandbox, for a sandbox account only: the services the local game days simulate
 * (the checkout REST API on a Lambda alias with its traffic, the orders queue with its DLQ and
 * consumer, the orders API capped by its reservation with its callers), their alarms tagged for
 * the runbooks, the FIS Lambda extension on the target functions, and one FIS experiment template
 * per game day FIS can inject, each stopped by a blast-radius alarm and bounded in time.
 */
export class GameDayStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    Tags.of(this).add(sandboxTag, 'true');
    // CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed alias/aws/sns:
    // its key policy cannot be changed to let CloudWatch in. The sandbox's topic has a key of its own.
    const alarmTopic = platformTopic(this, 'SandboxAlarms', platformKey(this), true);

    const configs = new Bucket(this, 'FisConfigurations', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    nagAcknowledgements.fisConfigurationBucket(configs);

    // The FIS extension's ARN, published by AWS as a public SSM parameter per architecture.
    const extension = LayerVersion.fromLayerVersionArn(
      this,
      'FisExtension',
      StringParameter.valueForStringParameter(
        this,
        '/aws/service/fis/lambda-extension/AWS-FIS-extension-arm64/1.x.x',
      ),
    );
    const fis: FisExtension = { layer: extension, configs };
    const checkout = fisTarget(
      this,
      'Checkout',
      {
        entry: sandboxCode('checkout-handler'),
        functionName: 'checkout-api',
        timeout: Duration.seconds(10),
        alarmTopic,
      },
      fis,
    );
    const live = new Alias(this, 'CheckoutLive', {
      aliasName: 'live',
      version: checkout.function.currentVersion,
    });

    const accessLogs = new LogGroup(this, 'CheckoutAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new LambdaRestApi(this, 'CheckoutApi', {
      restApiName: 'checkout',
      handler: live,
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
      },
    });
    nagAcknowledgements.sandboxApi(api);

    trafficEveryMinute(this, 'Traffic', 'The sandbox checkout API’s customers', {
      entry: sandboxCode('traffic-handler'),
      environment: { CHECKOUT_URL: api.url, REQUESTS_PER_MINUTE: '120' },
      timeout: Duration.seconds(60),
      alarmTopic,
    });

    const fiveXx = (period: Duration) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName: '5XXError',
        dimensionsMap: { ApiName: 'checkout' },
        statistic: 'Average',
        period,
      });
    const rate = new Alarm(this, 'Checkout5xxRate', {
      alarmName: 'checkout-5xx-rate',
      alarmDescription: '5XX responses above 5% on the checkout API',
      metric: fiveXx(Duration.minutes(1)),
      threshold: 0.05,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    Tags.of(rate).add('runbook', 'api-5xx-spike');
    const blast = new Alarm(this, 'CheckoutBlastRadius', {
      alarmName: blastRadiusAlarm,
      alarmDescription: 'Half of checkout requests fail: stop any game-day experiment',
      metric: fiveXx(Duration.minutes(1)),
      threshold: 0.5,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.ordersQueue(alarmTopic);
    const orders = ordersApi(this, fis, alarmTopic);

    const role = new Role(this, 'ExperimentRole', {
      assumedBy: new ServicePrincipal('fis.amazonaws.com'),
      description:
        'What FIS documents its Lambda actions need: write the fault configuration, read the target',
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [`${configs.bucketArn}/${fisPrefix}/*`],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:GetFunction'],
        resources: [checkout.function.functionArn, orders.target.function.functionArn],
      }),
    );
    nagAcknowledgements.experimentRole(role, JSON.stringify(this.resolve(configs.bucketArn)));
    const experiments = [
      { faults: checkoutExperiments, target: checkout, stop: blast },
      { faults: throttlingExperiments, target: orders.target, stop: orders.blast },
    ];
    for (const { faults, target, stop } of experiments)
      for (const [gameDay, fault] of Object.entries(faults)) {
        const template = experimentTemplate(gameDay, fault, {
          roleArn: role.roleArn,
          functionArn: target.function.functionArn,
          stopAlarmArn: stop.alarmArn,
        });
        new CfnExperimentTemplate(this, `Experiment-${gameDay}`, template);
      }
  }

  /** The orders queue, its dead-letter queue and consumer, and the DLQ alarm the replay runbook answers. */
  private ordersQueue(alarmTopic: ITopic): void {
    const dlq = new Queue(this, 'OrdersDlq', {
      queueName: 'orders-dlq',
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    nagAcknowledgements.deadLetterQueue(dlq);
    const orders = new Queue(this, 'Orders', {
      queueName: 'orders',
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(180),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });
    const consumer = new PlatformFunction(this, 'OrdersConsumer', {
      entry: sandboxCode('orders-consumer-handler'),
      timeout: Duration.seconds(30),
      alarmTopic,
    });
    consumer.function.addEventSource(new SqsEventSource(orders, { batchSize: 10, maxConcurrency: 5 }));
    nagAcknowledgements.platformFunction(consumer, []);
    const backlog = new Alarm(this, 'OrdersDlqBacklog', {
      alarmName: 'orders-dlq-not-empty',
      alarmDescription: 'Orders are in the dead-letter queue',
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      evaluationPeriods: 15,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    Tags.of(backlog).add('runbook', 'dlq-replay');
  }
}
