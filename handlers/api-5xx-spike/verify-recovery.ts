import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { type Finding, problemIf } from '../lib/finding.js';
import { readMetrics, total } from '../lib/metric-window.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt, positiveInt, share, timestampString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  alarmName: nonEmptyString(),
  target: z.object({
    functionName: nonEmptyString(),
    alias: nonEmptyString(),
  }),
  since: timestampString(),
  recoveredErrorRate: share(),
  previousChecks: nonNegativeInt(),
  maxChecks: positiveInt(),
});

export type VerifyInput = z.input<typeof inputSchema>;

export interface Verification extends Finding {
  readonly recovered: boolean;
  /** True when this was the last check allowed and the alias has not recovered. */
  readonly exhausted: boolean;
  readonly checks: number;
  readonly alarmState: string;
  readonly invocations: number;
  readonly errorRate: number;
  readonly checkedAt: string;
}

/**
 * Checks whether the remediation worked: the alarm is back to OK, or the alias's error rate since
 * the change is under the recovered threshold (with traffic to judge by). Reads only.
 */
export const verifyRecovery: StepCore<VerifyInput, Verification, 'cloudwatch'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'verify-recovery');
  const now = deps.now();
  const described = await deps.clients.cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [input.alarmName] }),
  );
  const alarmState =
    described.MetricAlarms?.[0]?.StateValue ?? described.CompositeAlarms?.[0]?.StateValue ?? 'UNKNOWN';
  const resource = {
    FunctionName: input.target.functionName,
    Resource: `${input.target.functionName}:${input.target.alias}`,
  };
  const series = await readMetrics(
    deps.clients.cloudwatch,
    {
      invocations: { namespace: 'AWS/Lambda', name: 'Invocations', dimensions: resource, stat: 'Sum' },
      errors: { namespace: 'AWS/Lambda', name: 'Errors', dimensions: resource, stat: 'Sum' },
    },
    { start: new Date(input.since), end: now, periodSeconds: 60 },
  );
  const invocations = total(series.invocations ?? []);
  const errorRate = invocations === 0 ? 0 : total(series.errors ?? []) / invocations;
  const recovered = alarmState === 'OK' || (invocations > 0 && errorRate < input.recoveredErrorRate);
  const checks = input.previousChecks + 1;
  const exhausted = !recovered && checks >= input.maxChecks;
  return {
    recovered,
    exhausted,
    checks,
    alarmState,
    invocations,
    errorRate,
    checkedAt: now.toISOString(),
    ...problemIf(
      exhausted,
      () => `not recovered after ${checks} verification checks following the remediation`,
    ),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'verify-recovery',
  module: import.meta.url,
  clients: { cloudwatch: CloudWatchClient },
  core: verifyRecovery,
  permissions: [
    { actions: ['cloudwatch:GetMetricData'], on: 'any' },
    { actions: ['cloudwatch:DescribeAlarms'], on: 'alarms' },
  ],
});

export const handler = step.handler;
