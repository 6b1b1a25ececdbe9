import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { parseAlarmEvent } from '../lib/alarm-event.js';
import { targetOf } from '../lib/alarm-routing.js';
import { defineStep } from '../lib/define-step.js';
import { TargetNotResolvedError } from '../lib/errors.js';
import { type MetricPoint, type MetricSpec, readMetrics } from '../lib/metric-window.js';
import { parseInput } from '../lib/parse-input.js';
import { positiveInt } from '../lib/schemas.js';
import type { StepCore, StepDeps } from '../lib/step-deps.js';
import { parseTarget, type Target, targetKey } from '../lib/targets.js';
import {
  type ConcurrencyEvidence,
  type ConsumerFigures,
  type FunctionEvidence,
  throttlingInputSchema,
  type WindowFigures,
} from './contract.js';

const inputSchema = z.object({
  executionInput: throttlingInputSchema,
  /** Minutes of metrics that show the incident. */
  lookbackMinutes: positiveInt(),
  /** Minutes before those, for what normal looked like. */
  baselineMinutes: positiveInt(),
});

export type GatherConcurrencyEvidenceInput = z.input<typeof inputSchema>;
type Deps = StepDeps<'lambda' | 'cloudwatch'>;

/** Functions looked at for the account's biggest consumers (one GetMetricData call holds them all). */
const consumerScanLimit = 100;

/** The function or account the execution is about: as the dispatcher locked it, else from its trigger. */
function targetOfExecution(input: z.infer<typeof throttlingInputSchema>): Target {
  const dispatched = (input as { dispatch?: { target?: unknown } }).dispatch?.target;
  const manual = (input as { manualStart?: { target?: unknown } }).manualStart?.target;
  const key = typeof dispatched === 'string' ? dispatched : typeof manual === 'string' ? manual : undefined;
  const target = key ? parseTarget(key) : targetOf(parseAlarmEvent(input), {});
  if ('problem' in target) throw new TargetNotResolvedError(target.problem);
  if (target.kind !== 'function' && target.kind !== 'account') {
    throw new TargetNotResolvedError(`${targetKey(target)} is neither a Lambda function nor an account`);
  }
  return target;
}

const total = (points: readonly MetricPoint[] = []) => points.reduce((sum, p) => sum + p.value, 0);
const peak = (points: readonly MetricPoint[] = []) => points.reduce((max, p) => Math.max(max, p.value), 0);

async function windowFigures(
  deps: Deps,
  functionName: string,
  alias: string | null,
  start: Date,
  end: Date,
): Promise<WindowFigures> {
  const fn = { FunctionName: functionName };
  const spec = (name: string, stat: string, dimensions: Record<string, string> = fn): MetricSpec => ({
    namespace: 'AWS/Lambda',
    name,
    dimensions,
    stat,
  });
  const series = await readMetrics(
    deps.clients.cloudwatch,
    {
      invocations: spec('Invocations', 'Sum'),
      throttles: spec('Throttles', 'Sum'),
      concurrency: spec('ConcurrentExecutions', 'Maximum'),
      duration: spec('Duration', 'Sum'),
      asyncReceived: spec('AsyncEventsReceived', 'Sum'),
      asyncDropped: spec('AsyncEventsDropped', 'Sum'),
      asyncAge: spec('AsyncEventAge', 'Maximum'),
      ...(alias
        ? {
            spillover: spec('ProvisionedConcurrencySpilloverInvocations', 'Sum', {
              ...fn,
              Resource: `${functionName}:${alias}`,
            }),
          }
        : {}),
    },
    { start, end, periodSeconds: 60 },
  );
  const minutes = Math.max(1, Math.round((end.getTime() - start.getTime()) / 60_000));
  const invocations = total(series.invocations);
  const throttles = total(series.throttles);
  const demandByMinute = new Map<string, number>();
  for (const p of [...(series.invocations ?? []), ...(series.throttles ?? [])]) {
    demandByMinute.set(p.at, (demandByMinute.get(p.at) ?? 0) + p.value);
  }
  return {
    minutes,
    invocations,
    throttles,
    peakDemandPerMinute: Math.max(0, ...demandByMinute.values()),
    // Over the minutes with data: CloudWatch has no datapoint where the function had no traffic.
    averageDemandPerMinute: demandByMinute.size ? (invocations + throttles) / demandByMinute.size : 0,
    peakConcurrency: peak(series.concurrency),
    averageDurationMs: invocations ? total(series.duration) / invocations : 0,
    spillover: total(series.spillover),
    asyncReceived: total(series.asyncReceived),
    asyncDropped: total(series.asyncDropped),
    oldestAsyncEventMs: peak(series.asyncAge),
  };
}

async function reservedOf(deps: Deps, functionName: string): Promise<number | null> {
  const answer = await deps.clients.lambda.send(
    new GetFunctionConcurrencyCommand({ FunctionName: functionName }),
  );
  return answer.ReservedConcurrentExecutions ?? null;
}

async function functionEvidence(
  deps: Deps,
  target: Extract<Target, { kind: 'function' }>,
  windows: { start: Date; split: Date; end: Date },
): Promise<FunctionEvidence> {
  const { functionName } = target;
  const { lambda } = deps.clients;
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const provisioned = await lambda.send(
    new ListProvisionedConcurrencyConfigsCommand({ FunctionName: functionName }),
  );
  const mappings = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
  let async: FunctionEvidence['async'] = null;
  try {
    const invokeConfig = await lambda.send(
      new GetFunctionEventInvokeConfigCommand({ FunctionName: functionName }),
    );
    async = {
      maximumEventAgeInSeconds: invokeConfig.MaximumEventAgeInSeconds ?? 21_600,
      onFailure: invokeConfig.DestinationConfig?.OnFailure?.Destination ?? null,
    };
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const alias = target.alias ?? null;
  return {
    functionName,
    alias,
    memorySize: config.MemorySize ?? 128,
    reserved: await reservedOf(deps, functionName),
    provisioned: (provisioned.ProvisionedConcurrencyConfigs ?? []).map((p) => ({
      qualifier: p.FunctionArn?.split(':').pop() ?? '',
      requested: p.RequestedProvisionedConcurrentExecutions ?? 0,
      allocated: p.AllocatedProvisionedConcurrentExecutions ?? 0,
      status: p.Status ?? 'UNKNOWN',
    })),
    eventSources: (mappings.EventSourceMappings ?? []).map((m) => ({
      uuid: m.UUID ?? '',
      sourceArn: m.EventSourceArn ?? '',
      batchSize: m.BatchSize ?? 10,
      maximumConcurrency: m.ScalingConfig?.MaximumConcurrency ?? null,
    })),
    async,
    deadLetterTarget: config.DeadLetterConfig?.TargetArn ?? null,
    recent: await windowFigures(deps, functionName, alias, windows.split, windows.end),
    baseline: await windowFigures(deps, functionName, alias, windows.start, windows.split),
  };
}

/** Every function's peak concurrency in the window and its reservation: who uses the account's concurrency. */
async function consumerFigures(deps: Deps, start: Date, end: Date): Promise<ConsumerFigures[]> {
  const names = (
    (await deps.clients.lambda.send(new ListFunctionsCommand({ MaxItems: consumerScanLimit }))).Functions ??
    []
  )
    .map((f) => f.FunctionName ?? '')
    .filter(Boolean)
    .slice(0, consumerScanLimit);
  const series = await readMetrics(
    deps.clients.cloudwatch,
    Object.fromEntries(
      names.map((name) => [
        name,
        {
          namespace: 'AWS/Lambda',
          name: 'ConcurrentExecutions',
          dimensions: { FunctionName: name },
          stat: 'Maximum',
        },
      ]),
    ),
    { start, end, periodSeconds: 60 },
  );
  const figures: ConsumerFigures[] = [];
  for (const name of names) {
    figures.push({
      functionName: name,
      reserved: await reservedOf(deps, name),
      peakConcurrency: peak(series[name]),
    });
  }
  return figures;
}

/**
 * Gathers what the throttling decision rests on: the account's limit and unreserved concurrency,
 * the function's reserved and provisioned concurrency, event sources and asynchronous
 * configuration, its metrics now and before (throttles, concurrency, demand, duration, spillover,
 * asynchronous events), the account's concurrency metrics, and who uses the account's concurrency.
 * Reads only.
 */
export const gatherConcurrencyEvidence: StepCore<
  GatherConcurrencyEvidenceInput,
  ConcurrencyEvidence,
  'lambda' | 'cloudwatch'
> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'gather-concurrency-evidence');
  const target = targetOfExecution(input.executionInput);
  const end = deps.now();
  const split = new Date(end.getTime() - input.lookbackMinutes * 60_000);
  const start = new Date(split.getTime() - input.baselineMinutes * 60_000);
  const settings = await deps.clients.lambda.send(new GetAccountSettingsCommand({}));
  const account = await readMetrics(
    deps.clients.cloudwatch,
    {
      claimed: {
        namespace: 'AWS/Lambda',
        name: 'ClaimedAccountConcurrency',
        dimensions: {},
        stat: 'Maximum',
      },
      unreserved: {
        namespace: 'AWS/Lambda',
        name: 'UnreservedConcurrentExecutions',
        dimensions: {},
        stat: 'Maximum',
      },
      concurrent: { namespace: 'AWS/Lambda', name: 'ConcurrentExecutions', dimensions: {}, stat: 'Maximum' },
    },
    { start: split, end, periodSeconds: 60 },
  );
  const consumers = await consumerFigures(deps, split, end);
  const event = 'detail' in input.executionInput ? parseAlarmEvent(input.executionInput) : undefined;
  return {
    target: targetKey(target),
    scope: target.kind === 'function' ? 'function' : 'account',
    alarm: event
      ? { name: event.detail.alarmName, stateChangedAt: new Date(event.detail.state.timestamp).toISOString() }
      : null,
    account: {
      limit: settings.AccountLimit?.ConcurrentExecutions ?? 1_000,
      unreserved: settings.AccountLimit?.UnreservedConcurrentExecutions ?? 0,
      peakClaimed: peak(account.claimed),
      peakUnreservedInUse: peak(account.unreserved),
      peakConcurrent: peak(account.concurrent),
    },
    fn: target.kind === 'function' ? await functionEvidence(deps, target, { start, split, end }) : null,
    consumers: [...consumers].sort((a, b) => b.peakConcurrency - a.peakConcurrency).slice(0, 5),
    reservations: consumers.filter((c) => c.reserved !== null),
    gatheredAt: end.toISOString(),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'gather-concurrency-evidence',
  module: import.meta.url,
  clients: { lambda: LambdaClient, cloudwatch: CloudWatchClient },
  core: gatherConcurrencyEvidence,
  permissions: [
    {
      actions: ['lambda:GetAccountSettings', 'lambda:ListFunctions', 'lambda:ListEventSourceMappings'],
      on: 'any',
    },
    {
      actions: [
        'lambda:GetFunctionConcurrency',
        'lambda:GetFunctionConfiguration',
        'lambda:ListProvisionedConcurrencyConfigs',
        'lambda:GetFunctionEventInvokeConfig',
      ],
      on: 'account-functions',
    },
    { actions: ['cloudwatch:GetMetricData'], on: 'any' },
  ],
});

export const handler = step.handler;
