/** The parts of Amazon States Language that the renderer, validator, diagrams and local runner read. */
export interface AslDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
}

export interface AslRetrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
}

export interface AslCatcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string;
}

export interface AslChoiceRule {
  readonly Variable?: string;
  readonly Next?: string;
  readonly And?: readonly AslChoiceRule[];
  readonly Or?: readonly AslChoiceRule[];
  readonly Not?: AslChoiceRule;
  readonly [comparison: string]: unknown;
}

interface AslStateBase {
  readonly Comment?: string;
  readonly Next?: string;
  readonly End?: boolean;
}

export interface AslTaskState extends AslStateBase {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
}

export interface AslChoiceState extends AslStateBase {
  readonly Type: 'Choice';
  readonly Choices: readonly AslChoiceRule[];
  readonly Default?: string;
}

export interface AslWaitState extends AslStateBase {
  readonly Type: 'Wait';
  readonly Seconds?: number;
  readonly SecondsPath?: string;
  readonly Timestamp?: string;
  readonly TimestampPath?: string;
}

export interface AslPassState extends AslStateBase {
  readonly Type: 'Pass';
}

export interface AslSucceedState extends AslStateBase {
  readonly Type: 'Succeed';
}

export interface AslFailState extends AslStateBase {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly Cause?: string;
}

export interface AslParallelState extends AslStateBase {
  readonly Type: 'Parallel';
  readonly Branches: readonly AslDefinition[];
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
}

export interface AslMapState extends AslStateBase {
  readonly Type: 'Map';
  readonly ItemProcessor?: AslDefinition;
  readonly Iterator?: AslDefinition;
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
}

export type AslState =
  | AslTaskState
  | AslChoiceState
  | AslWaitState
  | AslPassState
  | AslSucceedState
  | AslFailState
  | AslParallelState
  | AslMapState;

/** Exhaustiveness check for switches over a discriminated union. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
