import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { alarmMetricStats, alarmStateChangeEventSchema } from '../lib/alarm-event.js';
import { defineStep } from '../lib/define-step.js';
import { InvalidInputError, TargetNotResolvedError } from '../lib/errors.js';
import { manualStartSchema } from '../lib/manual-start-input.js';
import { readMetrics, total } from '../lib/metric-window.js';
import { parseInput } from '../lib/parse-input.js';
import { positiveInt } from '../lib/schemas.js';
import type { StepCore, StepDeps } from '../lib/step-deps.js';
import { parseTarget } from '../lib/targets.js';
import { withBackoff } from './backoff.js';
import type { WatchedConsumer } from './consumer-signals.js';
import { dlqReplayInputSchema, type ManualReplayRequest, manualReplayRequestSchema } from './contract.js';
import { failureSignature } from './failure-signature.js';
import { visibilityChanges } from './visibility-changes.js';

const inputSchema = z.object({
  executionInput: dlqReplayInputSchema,
  consumerLookbackMinutes: positiveInt(),
});

export type InspectDlqInput = z.input<typeof inputSchema>;

export interface QueueFacts {
  readonly url: string;
  readonly arn: string;
  readonly name: string;
}

export interface DlqEvidence {
  readonly dlq: QueueFacts & {
    readonly fifo: boolean;
    readonly visible: number;
    readonly inFlight: number;
    readonly oldestSampledAgeSeconds: number;
  };
  readonly source: QueueFacts & {
    readonly visibilityTimeout: number;
    readonly maxReceiveCount: number;
    readonly consumer:
      | (WatchedConsumer & {
          readonly timeoutSeconds: number;
        })
      | null;
    readonly consumerHealth: {
      readonly invocations: number;
      readonly errors: number;
      readonly errorRate: number;
    } | null;
  };
  /** With the messages it held before the run: what a report after a crash counts from. */
  readonly quarantine: (QueueFacts & { readonly depth: number }) | null;
  readonly sample: {
    readonly size: number;
    readonly signatures: { readonly signature: string; readonly count: number }[];
  };
  readonly request: {
    readonly maxMessages?: number;
    readonly ratePerSecond?: number;
    readonly dryRun: boolean;
    readonly quarantineSignatures: string[];
  };
  readonly inspectedAt: string;
}

/** Messages looked at to group failures; returned to the DLQ right away. */
const sampleSize = 10;

const queueName = (urlOrName: string) => urlOrName.split('/').pop() ?? urlOrName;

async function queueUrl(deps: StepDeps<'sqs'>, urlOrName: string): Promise<string> {
  if (urlOrName.startsWith('https://')) return urlOrName;
  try {
    const found = await deps.clients.sqs.send(new GetQueueUrlCommand({ QueueName: urlOrName }));
    return found.QueueUrl ?? '';
  } catch (error) {
    if (error instanceof QueueDoesNotExist) throw new TargetNotResolvedError(`no queue named ${urlOrName}`);
    throw error;
  }
}

async function attributes(deps: StepDeps<'sqs'>, url: string): Promise<Record<string, string>> {
  const answer = await deps.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return answer.Attributes ?? {};
}

/** The request, from a manual start or from the alarm's `QueueName` dimension. */
function requestOf(input: z.infer<typeof dlqReplayInputSchema>): ManualReplayRequest {
  const manual = manualReplayRequestSchema.safeParse(input);
  if (manual.success) return manual.data;
  // `queue=<DLQ> [rate=<n>]` through the dispatcher, which checked the queue and the rate.
  const started = manualStartSchema.safeParse(input);
  if (started.success) {
    const target = parseTarget(started.data.manualStart.target);
    if (target.kind !== 'queue')
      throw new TargetNotResolvedError(`${started.data.manualStart.target} is not a queue`);
    const rate = started.data.manualStart.parameters.rate;
    return { dlq: target.queueName, ...(rate ? { ratePerSecond: Number(rate) } : {}) };
  }
  const alarm = alarmStateChangeEventSchema.parse(input);
  const queue = alarmMetricStats(alarm).find((s) => s.metric.dimensions.QueueName)?.metric.dimensions
    .QueueName;
  if (!queue) throw new TargetNotResolvedError(`alarm ${alarm.detail.alarmName} has no QueueName dimension`);
  return { dlq: queue };
}

/** The function consuming the source queue (its event source mapping) and how it has been doing. */
async function consumerOf(
  deps: StepDeps<'lambda' | 'cloudwatch'>,
  sourceArn: string,
  lookbackMinutes: number,
) {
  const mappings = await deps.clients.lambda.send(
    new ListEventSourceMappingsCommand({ EventSourceArn: sourceArn }),
  );
  const [mapping] = mappings.EventSourceMappings ?? [];
  const functionArn = mapping?.FunctionArn;
  if (!functionArn) return { consumer: null, consumerHealth: null };
  const config = await deps.clients.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: functionArn }),
  );
  // What bounds how many executions it runs at once: its reservation, its mapping's maximum.
  const { ReservedConcurrentExecutions: reserved } = await deps.clients.lambda.send(
    new GetFunctionConcurrencyCommand({ FunctionName: functionArn }),
  );
  const limits = [reserved, mapping.ScalingConfig?.MaximumConcurrency].filter(
    (limit): limit is number => limit !== undefined,
  );
  const functionName = config.FunctionName ?? functionArn.split(':').pop() ?? '';
  const end = deps.now();
  const series = await readMetrics(
    deps.clients.cloudwatch,
    {
      invocations: {
        namespace: 'AWS/Lambda',
        name: 'Invocations',
        dimensions: { FunctionName: functionName },
        stat: 'Sum',
      },
      errors: {
        namespace: 'AWS/Lambda',
        name: 'Errors',
        dimensions: { FunctionName: functionName },
        stat: 'Sum',
      },
    },
    { start: new Date(end.getTime() - lookbackMinutes * 60_000), end, periodSeconds: 60 },
  );
  const invocations = total(series.invocations ?? []);
  const errors = total(series.errors ?? []);
  return {
    consumer: {
      functionName,
      timeoutSeconds: config.Timeout ?? 3,
      concurrencyLimit: limits.length ? Math.min(...limits) : null,
    },
    consumerHealth: { invocations, errors, errorRate: invocations > 0 ? errors / invocations : 0 },
  };
}

/** Looks at a few messages without taking them: received briefly, then made visible again. */
async function sample(deps: StepDeps<'sqs'>, url: string) {
  const call = async <T>(fn: () => Promise<T>) =>
    (await withBackoff(fn, { baseMs: 100, capMs: 5_000, maxAttempts: 6, sleep: deps.sleep })).value;
  const received = await call(() =>
    deps.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: sampleSize,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    ),
  );
  const messages = received.Messages ?? [];
  if (messages.length) {
    await call(() =>
      deps.clients.sqs.send(
        visibilityChanges(
          url,
          messages.map((message) => ({ message, seconds: 0 })),
        ),
      ),
    );
  }
  const counts = new Map<string, number>();
  for (const m of messages) {
    const signature = failureSignature(m.Body ?? '');
    counts.set(signature, (counts.get(signature) ?? 0) + 1);
  }
  const oldest = Math.min(
    ...messages.map((m) => Number(m.Attributes?.SentTimestamp ?? deps.now().getTime())),
  );
  return {
    size: messages.length,
    signatures: [...counts]
      .map(([signature, count]) => ({ signature, count }))
      .sort((a, b) => b.count - a.count),
    oldestSampledAgeSeconds: messages.length ? Math.round((deps.now().getTime() - oldest) / 1000) : 0,
  };
}

/**
 * Inspects a dead-letter queue before a replay: its depth, the source queue it serves (from the
 * redrive policies), that queue's consumer and its recent error rate, the quarantine queue
 * (`<dlq>-quarantine`), and a sample of messages grouped by failure signature. Changes nothing.
 */
export const inspectDlq: StepCore<InspectDlqInput, DlqEvidence, 'sqs' | 'lambda' | 'cloudwatch'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'inspect-dlq');
  const request = requestOf(input.executionInput);
  const dlqUrl = await queueUrl(deps, request.dlq);
  const dlqAttributes = await attributes(deps, dlqUrl);
  const sources = request.source
    ? [await queueUrl(deps, request.source)]
    : ((await deps.clients.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }))).queueUrls ??
      []);
  if (sources.length !== 1) {
    throw new TargetNotResolvedError(
      sources.length
        ? `${queueName(dlqUrl)} is the DLQ of ${sources.map(queueName).join(', ')}; name the one to replay into with source=`
        : `${queueName(dlqUrl)} is not the dead-letter queue of any queue`,
    );
  }
  const sourceUrl = sources[0] as string;
  const sourceAttributes = await attributes(deps, sourceUrl);
  const redrive = JSON.parse(sourceAttributes.RedrivePolicy ?? '{}') as {
    deadLetterTargetArn?: string;
    maxReceiveCount?: number;
  };
  if (request.source && redrive.deadLetterTargetArn !== dlqAttributes.QueueArn) {
    throw new InvalidInputError(`${queueName(sourceUrl)} does not dead-letter into ${queueName(dlqUrl)}`);
  }
  const fifo = dlqAttributes.FifoQueue === 'true';
  const quarantineName =
    request.quarantine ?? `${queueName(dlqUrl).replace(/\.fifo$/, '')}-quarantine${fifo ? '.fifo' : ''}`;
  let quarantine: DlqEvidence['quarantine'] = null;
  try {
    const url = await queueUrl(deps, quarantineName);
    const held = await attributes(deps, url);
    quarantine = {
      url,
      name: queueName(url),
      arn: held.QueueArn ?? '',
      depth:
        Number(held.ApproximateNumberOfMessages ?? 0) +
        Number(held.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  } catch (error) {
    if (!(error instanceof TargetNotResolvedError)) throw error;
  }
  const sourceArn = sourceAttributes.QueueArn ?? '';
  const consumer = await consumerOf(deps, sourceArn, input.consumerLookbackMinutes);
  const sampled = await sample(deps, dlqUrl);
  return {
    dlq: {
      url: dlqUrl,
      arn: dlqAttributes.QueueArn ?? '',
      name: queueName(dlqUrl),
      fifo,
      visible: Number(dlqAttributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(dlqAttributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      oldestSampledAgeSeconds: sampled.oldestSampledAgeSeconds,
    },
    source: {
      url: sourceUrl,
      arn: sourceArn,
      name: queueName(sourceUrl),
      visibilityTimeout: Number(sourceAttributes.VisibilityTimeout ?? 30),
      maxReceiveCount: Number(redrive.maxReceiveCount ?? 0),
      ...consumer,
    },
    quarantine,
    sample: { size: sampled.size, signatures: sampled.signatures },
    request: {
      ...(request.maxMessages === undefined ? {} : { maxMessages: request.maxMessages }),
      ...(request.ratePerSecond === undefined ? {} : { ratePerSecond: request.ratePerSecond }),
      dryRun: request.dryRun ?? false,
      quarantineSignatures: request.quarantineSignatures ?? [],
    },
    inspectedAt: deps.now().toISOString(),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'inspect-dlq',
  module: import.meta.url,
  clients: { sqs: SQSClient, lambda: LambdaClient, cloudwatch: CloudWatchClient },
  core: inspectDlq,
  permissions: [
    {
      actions: [
        'sqs:GetQueueUrl',
        'sqs:GetQueueAttributes',
        'sqs:ListDeadLetterSourceQueues',
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
      ],
      on: 'replay-queues',
    },
    { actions: ['lambda:ListEventSourceMappings'], on: 'any' },
    { actions: ['lambda:GetFunctionConfiguration', 'lambda:GetFunctionConcurrency'], on: 'replay-consumers' },
    { actions: ['cloudwatch:GetMetricData'], on: 'any' },
  ],
});

export const handler = step.handler;
