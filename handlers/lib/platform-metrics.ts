import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from './observability.js';

/** Counters the platform publishes about itself (ignored events, locked targets, duplicates). */
export interface PlatformMetrics {
  count(name: string): void;
}

/** In Lambda, counters go out as CloudWatch embedded metrics, flushed by the `logMetrics` middleware. */
export const powertoolsMetrics: PlatformMetrics = {
  count(name) {
    metrics.addMetric(name, MetricUnit.Count, 1);
  },
};
