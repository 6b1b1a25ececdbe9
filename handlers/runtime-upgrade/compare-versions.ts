import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { problemIf } from '../lib/finding.js';
import { readMetrics, total } from '../lib/metric-window.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt, positiveInt, timestampString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { judgeCanary } from './canary-judgement.js';
import { type CanaryComparison, canaryGuardrailsSchema, type VersionFigures } from './contract.js';

const inputSchema = z.object({
  functionName: nonEmptyString(),
  alias: nonEmptyString(),
  oldVersion: nonEmptyString(),
  newVersion: nonEmptyString(),
  alarms: z.array(z.string()),
  /** When the canary began. */
  since: timestampString(),
  previousChecks: nonNegativeInt(),
  maxChecks: positiveInt(),
  guardrails: canaryGuardrailsSchema,
});

export type CompareVersionsInput = z.input<typeof inputSchema>;

/**
 * Compares the canary's versions over the same minutes, from the alias's per-version metrics
 * (`ExecutedVersion` dimension), with the function's alarms, and judges them. The first minute,
 * which mixes traffic from before the split, is left out. Reads only.
 */
export const compareVersions: StepCore<CompareVersionsInput, CanaryComparison, 'cloudwatch'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'compare-versions');
  const now = deps.now();
  const start = new Date(Math.ceil((Date.parse(input.since) + 60_000) / 60_000) * 60_000);
  const figures = async (version: string): Promise<VersionFigures> => {
    const dimensions = {
      FunctionName: input.functionName,
      Resource: `${input.functionName}:${input.alias}`,
      ExecutedVersion: version,
    };
    const metric = (name: string) => ({ namespace: 'AWS/Lambda', name, dimensions, stat: 'Sum' });
    const series =
      start < now
        ? await readMetrics(
            deps.clients.cloudwatch,
            { invocations: metric('Invocations'), errors: metric('Errors'), duration: metric('Duration') },
            { start, end: now, periodSeconds: 60 },
          )
        : {};
    const invocations = total(series.invocations ?? []);
    const errors = total(series.errors ?? []);
    return {
      version,
      invocations,
      errors,
      errorRate: invocations > 0 ? errors / invocations : 0,
      averageDurationMs: invocations > 0 ? total(series.duration ?? []) / invocations : 0,
    };
  };
  const [old, fresh, alarms] = await Promise.all([
    figures(input.oldVersion),
    figures(input.newVersion),
    input.alarms.length
      ? deps.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: input.alarms }))
      : Promise.resolve({ MetricAlarms: [] }),
  ]);
  const alarmsFiring = (alarms.MetricAlarms ?? [])
    .filter((a) => a.StateValue === 'ALARM')
    .map((a) => a.AlarmName ?? '');
  const checks = input.previousChecks + 1;
  const { verdict, reason } = judgeCanary(
    old,
    fresh,
    alarmsFiring,
    input.guardrails,
    checks,
    input.maxChecks,
  );
  return {
    verdict,
    reason,
    old,
    new: fresh,
    alarmsFiring,
    checks,
    since: input.since,
    checkedAt: now.toISOString(),
    ...problemIf(verdict !== 'healthy' && verdict !== 'wait', () => `canary ${verdict}: ${reason}`),
  };
};

// Stryker disable all: a step's clients and permissions are checked by the IAM tests (each
// permission removed in turn fails a game day), which mutation runs leave out.
/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'compare-versions',
  module: import.meta.url,
  clients: { cloudwatch: CloudWatchClient },
  core: compareVersions,
  permissions: [
    { actions: ['cloudwatch:GetMetricData'], on: 'any' },
    { actions: ['cloudwatch:DescribeAlarms'], on: 'alarms' },
  ],
});
// Stryker restore all

export const handler = step.handler;
