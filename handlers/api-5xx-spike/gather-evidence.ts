import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { alarmArnOf, alarmMetricStats, parseAlarmEvent } from '../lib/alarm-event.js';
import { type AliasTarget, resolveAliasTarget } from '../lib/alias-target.js';
import { defineStep } from '../lib/define-step.js';
import { TargetNotResolvedError } from '../lib/errors.js';
import { type MetricPoint, readMetrics, total } from '../lib/metric-window.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore, StepDeps } from '../lib/step-deps.js';

const inputSchema = z.object({
  alarmEvent: z.unknown(),
  executionId: nonEmptyString(),
  lookbackMinutes: z.int().check(z.gte(5), z.lte(1440)),
});

export type GatherEvidenceInput = z.input<typeof inputSchema>;

export interface PublishedVersion {
  readonly version: string;
  readonly publishedAt: string;
}

/** What the runbook observed, kept in the execution history and shown to approvers. */
export interface Evidence {
  readonly alarm: {
    readonly name: string;
    readonly arn: string;
    readonly stateChangedAt: string;
    readonly reason: string;
    readonly metric: string;
    readonly threshold?: number;
    readonly comparison?: string;
  };
  readonly target: AliasTarget;
  readonly alias: {
    readonly functionVersion: string;
    readonly additionalVersionWeights: Record<string, number>;
    readonly revisionId: string;
  };
  /** Published versions, newest first (at most ten). */
  readonly versions: PublishedVersion[];
  readonly metrics: {
    readonly windowStart: string;
    readonly windowEnd: string;
    readonly invocations: number;
    readonly errors: number;
    readonly errorRate: number;
    /** Errors per minute on the alias over the last 15 minutes, for humans to eyeball. */
    readonly recentErrors: MetricPoint[];
  };
  readonly gatheredAt: string;
}

/** Lambda reports `LastModified` as `2019-06-18T17:20:48.000+0000`; normalise to ISO 8601. */
function isoTime(lambdaTime: string | undefined): string {
  const parsed = Date.parse((lambdaTime ?? '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(parsed) ? '' : new Date(parsed).toISOString();
}

async function publishedVersions(deps: StepDeps<'lambda'>, functionName: string) {
  const versions: PublishedVersion[] = [];
  let marker: string | undefined;
  do {
    const page = await deps.clients.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }),
    );
    for (const v of page.Versions ?? []) {
      if (v.Version && v.Version !== '$LATEST') {
        versions.push({ version: v.Version, publishedAt: isoTime(v.LastModified) });
      }
    }
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => Number(b.version) - Number(a.version)).slice(0, 10);
}

/**
 * Gathers the evidence for a 5XX spike: the alarm, the alias it leads to, the alias's routing,
 * recent published versions, and error and traffic metrics around the spike. Reads only.
 */
export const gatherEvidence: StepCore<
  GatherEvidenceInput,
  Evidence,
  'lambda' | 'cloudwatch' | 'apiGateway'
> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'gather-evidence');
  const event = parseAlarmEvent(input.alarmEvent);
  const target = await resolveAliasTarget(event, deps.clients);
  const { clients } = deps;

  const alias = await clients.lambda.send(
    new GetAliasCommand({ FunctionName: target.functionName, Name: target.alias }),
  );
  if (!alias.FunctionVersion || !alias.RevisionId) {
    throw new TargetNotResolvedError(`alias ${target.functionName}:${target.alias} has no version`);
  }
  const versions = await publishedVersions(deps, target.functionName);
  const described = await clients.cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [event.detail.alarmName] }),
  );
  const alarm = described.MetricAlarms?.[0];

  const end = deps.now();
  const start = new Date(end.getTime() - input.lookbackMinutes * 60_000);
  const resource = { FunctionName: target.functionName, Resource: `${target.functionName}:${target.alias}` };
  const series = await readMetrics(
    clients.cloudwatch,
    {
      invocations: { namespace: 'AWS/Lambda', name: 'Invocations', dimensions: resource, stat: 'Sum' },
      errors: { namespace: 'AWS/Lambda', name: 'Errors', dimensions: resource, stat: 'Sum' },
    },
    { start, end, periodSeconds: 60 },
  );
  const invocations = total(series.invocations ?? []);
  const errors = total(series.errors ?? []);
  const metric = alarmMetricStats(event)[0]?.metric;

  return {
    alarm: {
      name: event.detail.alarmName,
      arn: alarmArnOf(event),
      stateChangedAt: new Date(Date.parse(event.detail.state.timestamp)).toISOString(),
      reason: event.detail.state.reason,
      metric: metric ? `${metric.namespace} ${metric.name}` : 'composite or expression',
      ...(alarm?.Threshold === undefined ? {} : { threshold: alarm.Threshold }),
      ...(alarm?.ComparisonOperator === undefined ? {} : { comparison: alarm.ComparisonOperator }),
    },
    target,
    alias: {
      functionVersion: alias.FunctionVersion,
      additionalVersionWeights: alias.RoutingConfig?.AdditionalVersionWeights ?? {},
      revisionId: alias.RevisionId,
    },
    versions,
    metrics: {
      windowStart: start.toISOString(),
      windowEnd: end.toISOString(),
      invocations,
      errors,
      errorRate: invocations === 0 ? 0 : errors / invocations,
      recentErrors: (series.errors ?? []).slice(-15),
    },
    gatheredAt: end.toISOString(),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'gather-evidence',
  module: import.meta.url,
  clients: { lambda: LambdaClient, cloudwatch: CloudWatchClient, apiGateway: APIGatewayClient },
  core: gatherEvidence,
  permissions: [
    { actions: ['lambda:GetAlias', 'lambda:ListVersionsByFunction'], on: 'target-functions' },
    { actions: ['apigateway:GET'], on: 'rest-apis' },
    { actions: ['cloudwatch:GetMetricData'], on: 'any' },
    { actions: ['cloudwatch:DescribeAlarms'], on: 'alarms' },
  ],
});

export const handler = step.handler;
