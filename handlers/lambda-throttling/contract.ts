import * as z from 'zod/mini';
import { alarmStateChangeEventSchema } from '../lib/alarm-event.js';
import type { ApprovalMode } from '../lib/approval-mode.js';
import { approvalModes } from '../lib/approval-mode.js';
import { manualStartSchema } from '../lib/manual-start-input.js';
import { positiveInt, share } from '../lib/schemas.js';
import { environments } from '../lib/step-deps.js';

/** Bounds on every concurrency change, declared in the runbook and carried in its definition. */
export const throttlingGuardrailsSchema = z.object({
  /** Approval per environment; noisy-neighbour changes always ask a human. */
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
  /** Lambda refuses to leave less unreserved concurrency than this. */
  minimumUnreserved: positiveInt(),
  /** Kept free on top of Lambda's minimum, so other functions are never starved. */
  unreservedMargin: positiveInt(),
  /** A raise is at most this many times the current reservation. */
  maxRaiseFactor: z.number().check(z.gt(1)),
  /** No reservation above this. */
  reservedCeiling: positiveInt(),
  /** No provisioned concurrency above this on one alias. */
  provisionedCeiling: positiveInt(),
  /** Provisioned concurrency price per GB-second (x86, us-east-1), for the cost shown to approvers. */
  provisionedPricePerGbSecondUsd: z.number().check(z.positive()),
  /** A function using this share of its reservation runs at its cap. */
  atCapShare: share(),
  /** The account counts as exhausted when claimed concurrency reaches this share of its limit. */
  exhaustedShare: share(),
  /** Another function using this share of the unreserved pool is a noisy neighbour. */
  neighbourShare: share(),
  /** Duration this many times its baseline, with traffic not up by `trafficRiseFactor`, means latency. */
  latencyRiseFactor: z.number().check(z.gt(1)),
  trafficRiseFactor: z.number().check(z.gt(1)),
  /** Peak demand this many times the baseline average is a burst. */
  burstFactor: z.number().check(z.gt(1)),
  /** Most asynchronous traffic: this share of invocations arrived as asynchronous events. */
  asyncShare: share(),
  /** After a change: throttles at or below this over the verification window count as recovered. */
  recoveredThrottles: z.int().check(z.nonnegative()),
  /** How long the change must hold without throttles, in minutes. */
  verifyWindowMinutes: positiveInt(),
});

export type ThrottlingGuardrails = z.infer<typeof throttlingGuardrailsSchema>;

/** What starts the runbook: an alarm on throttles or concurrency, or a person naming a function. */
export const throttlingInputSchema = z.union([
  z.looseObject(alarmStateChangeEventSchema.shape),
  manualStartSchema,
]);

/** One stretch of a function's metrics. */
export interface WindowFigures {
  readonly minutes: number;
  readonly invocations: number;
  readonly throttles: number;
  /** Invocations plus throttles in the busiest minute: what callers asked for. */
  readonly peakDemandPerMinute: number;
  readonly averageDemandPerMinute: number;
  readonly peakConcurrency: number;
  readonly averageDurationMs: number;
  readonly spillover: number;
  readonly asyncReceived: number;
  readonly asyncDropped: number;
  readonly oldestAsyncEventMs: number;
}

/** What the runbook learned about the throttled function. */
export interface FunctionEvidence {
  readonly functionName: string;
  readonly alias: string | null;
  readonly memorySize: number;
  readonly reserved: number | null;
  readonly provisioned: readonly {
    readonly qualifier: string;
    readonly requested: number;
    readonly allocated: number;
    readonly status: string;
  }[];
  readonly eventSources: readonly {
    readonly uuid: string;
    readonly sourceArn: string;
    readonly batchSize: number;
    readonly maximumConcurrency: number | null;
  }[];
  readonly async: { readonly maximumEventAgeInSeconds: number; readonly onFailure: string | null } | null;
  readonly deadLetterTarget: string | null;
  readonly recent: WindowFigures;
  readonly baseline: WindowFigures;
}

/** Another function's share of the account's concurrency. */
export interface ConsumerFigures {
  readonly functionName: string;
  readonly reserved: number | null;
  readonly peakConcurrency: number;
}

/** Everything the decision rests on; every figure goes into the report. */
export interface ConcurrencyEvidence {
  readonly target: string;
  readonly scope: 'function' | 'account';
  readonly alarm: { readonly name: string; readonly stateChangedAt: string } | null;
  readonly account: {
    readonly limit: number;
    readonly unreserved: number;
    readonly peakClaimed: number;
    readonly peakUnreservedInUse: number;
    readonly peakConcurrent: number;
  };
  readonly fn: FunctionEvidence | null;
  /** The functions using the most concurrency recently, busiest first. */
  readonly consumers: readonly ConsumerFigures[];
  /** Every function with reserved concurrency, and how much of it it used. */
  readonly reservations: readonly ConsumerFigures[];
  readonly gatheredAt: string;
}

export type ThrottlingCause =
  | 'absorbed'
  | 'sqs-consumer-over-cap'
  | 'latency-driven'
  | 'noisy-neighbour'
  | 'account-exhausted'
  | 'function-cap'
  | 'cold-burst'
  | 'undetermined';

/** The one change a decision makes, with exactly what it replaces. */
export type ConcurrencyChange =
  | {
      readonly kind: 'reserved-concurrency';
      readonly functionName: string;
      readonly from: number | null;
      readonly to: number;
    }
  | {
      readonly kind: 'provisioned-concurrency';
      readonly functionName: string;
      readonly qualifier: string;
      readonly from: number | null;
      readonly to: number;
      readonly hourlyCostUsd: number;
    }
  | {
      readonly kind: 'event-source-max-concurrency';
      readonly functionName: string;
      readonly uuid: string;
      readonly from: number | null;
      readonly to: number;
    };

export interface ThrottlingDecision {
  readonly cause: ThrottlingCause;
  /** `change`: apply `change`; `escalate`: a human decides; `none`: nothing needs doing. */
  readonly action: 'change' | 'escalate' | 'none';
  readonly reasoning: readonly string[];
  /** Why, in one line: what escalation and the report say. */
  readonly reason: string;
  /** One line for humans: what is proposed. */
  readonly summary: string;
  readonly approval: ApprovalMode;
  /** Whose throttles show whether a change worked: the throttled function, or null for the account. */
  readonly verifyFunction: string | null;
  readonly change?: ConcurrencyChange;
  /** The AWS CLI command that puts back exactly what the change replaces. */
  readonly restoreCommand?: string;
  /** Unreserved account concurrency once the change is made. */
  readonly unreservedAfter?: number;
  /** For an exhausted account: the quota increase to request, and concurrency that could be reclaimed. */
  readonly quotaRequest?: {
    readonly quotaName: string;
    readonly desiredValue: number;
    readonly command: string;
  };
  readonly reclaimable?: readonly ConsumerFigures[];
}
