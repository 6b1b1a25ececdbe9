import type {
  EventSourceMappingConfiguration,
  UpdateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { stableUuid } from '../alarm-state-change.js';
import { invalid, notFound } from './lambda-errors.js';

/** One event source mapping: an SQS queue polled for a function. */
export interface SimulatedMapping {
  readonly uuid: string;
  readonly eventSourceArn: string;
  readonly functionArn: string;
  readonly batchSize: number;
  /** ScalingConfig.MaximumConcurrency: the most concurrent invocations its pollers make (2–1,000). */
  maximumConcurrency?: number;
  /** How long the pollers gather a batch before invoking, 0–300 seconds for SQS (default 0). */
  readonly maximumBatchingWindowInSeconds: number;
  lastModified: Date;
}

/**
 * Event source mappings as the API shows them, with `ScalingConfig.MaximumConcurrency` (2 to 1,000;
 * without it the pollers scale on their own and ignore the function's reserved concurrency)
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
 */
export class EventSourceMappings {
  private readonly mappings: SimulatedMapping[] = [];

  add(
    eventSourceArn: string,
    functionArn: string,
    options: { batchSize?: number; maximumConcurrency?: number; maximumBatchingWindowInSeconds?: number },
    at: Date,
  ) {
    const window = options.maximumBatchingWindowInSeconds ?? 0;
    if (!Number.isInteger(window) || window < 0 || window > 300)
      throw invalid('MaximumBatchingWindowInSeconds must be between 0 and 300');
    const mapping: SimulatedMapping = {
      uuid: stableUuid(`${eventSourceArn}|${functionArn}`),
      eventSourceArn,
      functionArn,
      batchSize: options.batchSize ?? 10,
      maximumBatchingWindowInSeconds: window,
      ...(options.maximumConcurrency === undefined ? {} : { maximumConcurrency: options.maximumConcurrency }),
      lastModified: at,
    };
    this.mappings.push(mapping);
    return mapping;
  }

  /** The mapping polling `eventSourceArn`, if any. */
  of(eventSourceArn: string): SimulatedMapping | undefined {
    return this.mappings.find((m) => m.eventSourceArn === eventSourceArn);
  }

  list(input: { EventSourceArn?: string; FunctionArn?: string }): {
    EventSourceMappings: EventSourceMappingConfiguration[];
  } {
    return {
      EventSourceMappings: this.mappings
        .filter((m) => !input.EventSourceArn || m.eventSourceArn === input.EventSourceArn)
        .filter((m) => !input.FunctionArn || m.functionArn === input.FunctionArn)
        .map(describe),
    };
  }

  get(uuid: string | undefined): EventSourceMappingConfiguration {
    return describe(this.find(uuid));
  }

  update(input: UpdateEventSourceMappingCommandInput, at: Date): EventSourceMappingConfiguration {
    const mapping = this.find(input.UUID);
    if (input.ScalingConfig) {
      const max = input.ScalingConfig.MaximumConcurrency;
      if (max === undefined) delete mapping.maximumConcurrency;
      else if (!Number.isInteger(max) || max < 2 || max > 1_000) {
        throw invalid('ScalingConfig.MaximumConcurrency must be between 2 and 1000');
      } else mapping.maximumConcurrency = max;
    }
    mapping.lastModified = at;
    return describe(mapping);
  }

  private find(uuid: string | undefined): SimulatedMapping {
    const mapping = this.mappings.find((m) => m.uuid === uuid);
    if (!mapping)
      throw notFound(`The resource you requested does not exist. (Service: Lambda, UUID: ${uuid})`);
    return mapping;
  }
}

function describe(m: SimulatedMapping): EventSourceMappingConfiguration {
  return {
    UUID: m.uuid,
    EventSourceArn: m.eventSourceArn,
    FunctionArn: m.functionArn,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    State: 'Enabled',
    LastModified: m.lastModified,
    ...(m.maximumConcurrency === undefined
      ? {}
      : { ScalingConfig: { MaximumConcurrency: m.maximumConcurrency } }),
  };
}
