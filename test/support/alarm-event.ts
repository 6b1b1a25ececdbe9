/** A documented-shape alarm state-change event, for tests that need one without running an account. */
export function alarmEvent(
  overrides: {
    metric?: Record<string, unknown>;
    alarmName?: string;
    timestamp?: string;
    tags?: Record<string, string>;
  } = {},
) {
  const alarmName = overrides.alarmName ?? 'checkout-5xx-rate';
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-03-02T09:32:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      ...(overrides.tags ? { alarmTags: overrides.tags } : {}),
      configuration: {
        description: '5XX responses above 5%',
        metrics: [
          {
            id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
            metricStat: {
              metric: overrides.metric ?? {
                dimensions: { ApiName: 'checkout' },
                name: '5XXError',
                namespace: 'AWS/ApiGateway',
              },
              period: 60,
              stat: 'Average',
            },
            returnData: true,
          },
        ],
      },
      previousState: { reason: 'ok', timestamp: '2026-03-02T09:00:00.000+0000', value: 'OK' },
      state: {
        reason: 'Threshold Crossed',
        timestamp: overrides.timestamp ?? '2026-03-02T09:32:00.000+0000',
        value: 'ALARM',
      },
    },
  };
}
