import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeAlarmsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { isTransientAwsError } from '../lib/errors.js';
import { logger } from '../lib/observability.js';
import type { AlarmLookups } from './decision.js';

/** Alarm lookups through CloudWatch, as the dispatcher makes them. */
export function cloudwatchLookups(cloudwatch: CloudWatchClient): AlarmLookups {
  const tags = async (alarmArn: string) => {
    const listed = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
    return Object.fromEntries((listed.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  };
  return {
    async tags(alarmArn) {
      try {
        return await tags(alarmArn);
      } catch (error) {
        // Throttled or failing CloudWatch: the dispatch fails and Lambda delivers the event again,
        // rather than routing an alarm as if it had no runbook tag.
        if (isTransientAwsError(error)) throw error;
        logger.warn('could not read alarm tags; routing by table only', {
          alarm: alarmArn,
          error: (error as Error).name,
        });
        return {};
      }
    },
    async describe(name) {
      const described = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
      const alarm = described.MetricAlarms?.[0];
      if (!alarm?.AlarmArn) return undefined;
      return { alarm, tags: await tags(alarm.AlarmArn) };
    },
  };
}
