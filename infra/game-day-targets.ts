import { Duration, Tags } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  ordersBlastRadius,
  slowedFunction,
} from '../gameday/scenarios/lambda-throttling/throttling-faults.js';
import { projectModule } from './module-path.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction, type PlatformFunctionProps } from './platform-function.js';

/** A sandbox workload's handler module (name without extension). */
export const sandboxCode = (name: string) => projectModule(`gameday/sandbox/${name}`);

/** Where FIS writes fault configurations and the extension reads them (AWS's documented prefix). */
export const fisPrefix = 'FisConfigs';

/** FIS's Lambda extension as the sandbox deploys it: its layer and the bucket it reads faults from. */
export interface FisExtension {
  readonly layer: ILayerVersion;
  readonly configs: IBucket;
}

/**
 * A sandbox function FIS can inject faults into: the extension's layer, the wrapper that starts it,
 * where it reads fault configurations, and the read of that prefix only.
 */
export function fisTarget(
  scope: Construct,
  id: string,
  props: PlatformFunctionProps,
  fis: FisExtension,
): PlatformFunction {
  const target = new PlatformFunction(scope, id, {
    ...props,
    environment: {
      ...props.environment,
      AWS_FIS_CONFIGURATION_LOCATION: `${fis.configs.bucketArn}/${fisPrefix}/`,
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/aws-fis/bootstrap',
    },
    layers: [fis.layer],
  });
  const extensionReads = [
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [fis.configs.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${fisPrefix}/*`] } },
    }),
    new PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [`${fis.configs.bucketArn}/${fisPrefix}/*`],
    }),
  ];
  for (const statement of extensionReads) target.function.addToRolePolicy(statement);
  nagAcknowledgements.platformFunction(target, extensionReads);
  return target;
}

/** A sandbox workload's users: a function EventBridge starts every minute to send a minute of traffic. */
export function trafficEveryMinute(
  scope: Construct,
  id: string,
  description: string,
  props: PlatformFunctionProps,
): PlatformFunction {
  const traffic = new PlatformFunction(scope, id, props);
  nagAcknowledgements.platformFunction(traffic, []);
  new Rule(scope, `${id}EveryMinute`, {
    description,
    schedule: Schedule.rate(Duration.minutes(1)),
    targets: [new LambdaFunction(traffic.function, { retryAttempts: 0 })],
  });
  return traffic;
}

/**
 * The throttling runbook's sandbox target: `orders-api` (200 ms a call) capped by a reservation of
 * 10, on alias `live`, called 10 times a second (about 2 concurrent), its throttles alarm tagged
 * for the runbook, and the blast-radius alarm that stops its experiment. FIS's 1.8 s delay makes the
 * same traffic need about 20: throttled, for a reason more capacity would not fix.
 */
export function ordersApi(scope: Construct, fis: FisExtension, alarmTopic: ITopic) {
  const target = fisTarget(
    scope,
    'OrdersApi',
    {
      entry: sandboxCode('orders-api-handler'),
      functionName: slowedFunction,
      timeout: Duration.seconds(10),
      reservedConcurrency: 10,
      alarmTopic,
    },
    fis,
  );
  const live = new Alias(scope, 'OrdersApiLive', {
    aliasName: 'live',
    version: target.function.currentVersion,
  });
  const callers = trafficEveryMinute(scope, 'OrdersApiCallers', 'The sandbox orders API’s callers', {
    entry: sandboxCode('invoke-traffic-handler'),
    environment: { TARGET: live.functionArn, CALLS_PER_SECOND: '10' },
    timeout: Duration.seconds(90),
    alarmTopic,
  });
  live.grantInvoke(callers.function);
  const throttles = new Alarm(scope, 'OrdersApiThrottles', {
    alarmName: `${slowedFunction}-throttles`,
    alarmDescription: `${slowedFunction} is throttled`,
    metric: new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensionsMap: { FunctionName: slowedFunction, Resource: `${slowedFunction}:live` },
      statistic: 'Sum',
      period: Duration.minutes(1),
    }),
    threshold: 0,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  Tags.of(throttles).add('runbook', 'lambda-throttling');
  const blast = new Alarm(scope, 'OrdersApiBlastRadius', {
    alarmName: ordersBlastRadius.AlarmName,
    alarmDescription: ordersBlastRadius.AlarmDescription,
    metric: new Metric({
      namespace: ordersBlastRadius.Namespace,
      metricName: ordersBlastRadius.MetricName,
      dimensionsMap: { FunctionName: slowedFunction },
      statistic: ordersBlastRadius.Statistic,
      period: Duration.seconds(ordersBlastRadius.Period),
    }),
    threshold: ordersBlastRadius.Threshold,
    evaluationPeriods: ordersBlastRadius.EvaluationPeriods,
    datapointsToAlarm: ordersBlastRadius.DatapointsToAlarm,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return { target, blast };
}
