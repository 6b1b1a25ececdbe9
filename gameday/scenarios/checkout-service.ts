import type { SimulatedAccount } from '../account/simulated-account.js';
import type { ScenarioWorld } from '../scenario.js';

/** Start of every checkout scenario's virtual time. */
export const scenarioStart = new Date('2026-03-02T09:00:00Z');

const dayMs = 86_400_000;

export const healthy = { errorRate: 0.001, durationMs: 120 } as const;

/**
 * A checkout REST API (`checkout`, stage `prod`) backed by the `checkout-api` function's `live`
 * alias on version 5 (published days ago), serving 600 requests a minute, and an alarm on the API's
 * 5XX rate: Average 5XXError over 1-minute periods above 5% in 2 of the last 3 minutes, tagged
 * `runbook=api-5xx-spike`.
 */
export function checkoutService(account: SimulatedAccount): ScenarioWorld {
  const functionName = 'checkout-api';
  const alias = 'live';
  account.lambda.createFunction(functionName, 10);
  for (let daysAgo = 20; daysAgo >= 4; daysAgo -= 4) {
    account.lambda.publishVersion(functionName, healthy, new Date(scenarioStart.getTime() - daysAgo * dayMs));
  }
  account.lambda.createAlias({ FunctionName: functionName, Name: alias, FunctionVersion: '5' });
  account.apiGateway.createRestApi('checkout', 'prod', functionName, alias);
  account.addWorkload({ kind: 'api', apiName: 'checkout', requestsPerMinute: 600 });
  const alarmName = 'checkout-5xx-rate';
  account.cloudwatch.putMetricAlarm({
    AlarmName: alarmName,
    AlarmDescription: '5XX responses above 5% on the checkout API',
    Namespace: 'AWS/ApiGateway',
    MetricName: '5XXError',
    Dimensions: [{ Name: 'ApiName', Value: 'checkout' }],
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 0.05,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Tags: [{ Key: 'runbook', Value: 'api-5xx-spike' }],
  });
  return { alarmName, functionName, alias };
}
