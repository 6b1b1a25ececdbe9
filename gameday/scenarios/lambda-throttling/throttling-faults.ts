import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { FisFault } from '../../faults/game-day-fault.js';

/** The function the closed-loop throttling game day slows down, in the simulated account and the sandbox. */
export const slowedFunction = 'orders-api';
/** The alarm that stops the experiment: the delay starts making calls fail (it never should). */
export const ordersBlastRadiusAlarm = 'orders-api-blast-radius';

/** Any failed call stops the experiment: a delay well under the timeout should fail none. */
export const ordersBlastRadius = {
  AlarmName: ordersBlastRadiusAlarm,
  AlarmDescription: 'orders-api calls fail: stop any game-day experiment',
  Namespace: 'AWS/Lambda',
  MetricName: 'Errors',
  Dimensions: [{ Name: 'FunctionName', Value: slowedFunction }],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 2,
  DatapointsToAlarm: 2,
  Threshold: 5,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
} as const satisfies PutMetricAlarmCommandInput;

/**
 * A dependency slows down without any deploy or extra traffic: FIS delays every invocation of
 * `orders-api` by 1.8 s for half an hour, so the same traffic needs ten times the concurrency.
 */
export const slowDependencyFault: FisFault = {
  kind: 'fis',
  actionId: 'aws:lambda:invocation-add-delay',
  functionName: slowedFunction,
  parameters: { invocationPercentage: '100', startupDelayMilliseconds: '1800' },
  durationMinutes: 30,
  stopConditionAlarm: ordersBlastRadiusAlarm,
  description: 'every orders-api invocation waits 1.8 s longer (a slow dependency); same traffic',
};

/** The throttling game days FIS injects, by game day: what the sandbox stack deploys as templates. */
export const throttlingExperiments: Readonly<Record<string, FisFault>> = {
  'latency-driven': slowDependencyFault,
};
