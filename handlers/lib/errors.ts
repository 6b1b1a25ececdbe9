/**
 * Error names are part of the contract between handlers and state machine definitions:
 * ASL `Retry` and `Catch` match on them, so definitions import these constants rather than
 * spelling the names again.
 */
export const ErrorNames = {
  invalidInput: 'InvalidInputError',
  targetNotResolved: 'TargetNotResolvedError',
  aliasChanged: 'AliasChangedError',
  configurationChanged: 'ConfigurationChangedError',
  approvalRejected: 'ApprovalRejectedError',
  spokeRoleUnavailable: 'SpokeRoleUnavailableError',
  /** Raised by Step Functions itself when a task exceeds its timeout. */
  timeout: 'States.Timeout',
  /** Step Functions' wildcard for any error except States.DataLimitExceeded and States.Runtime. */
  all: 'States.ALL',
} as const;

/**
 * Every error the platform raises, Powertools style: a message, the cause through `ErrorOptions`,
 * and a `name` each subclass sets as a literal (bundles are minified, so class names cannot be
 * trusted; ASL and callers match on `name`).
 */
export abstract class PlatformError extends Error {
  abstract override readonly name: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A name that names nothing: what was given and every name that exists, for a suggestion. */
export abstract class UnknownNameError extends PlatformError {
  constructor(
    message: string,
    readonly given: string,
    readonly known: readonly string[],
  ) {
    super(message);
  }
}

/** The input of a step or an event failed validation; retrying cannot help. */
export class InvalidInputError extends PlatformError {
  override readonly name = ErrorNames.invalidInput;
}

/** The alarm does not lead to exactly one resource the runbook can act on. */
export class TargetNotResolvedError extends PlatformError {
  override readonly name = ErrorNames.targetNotResolved;
}

/** The alias no longer has the configuration the runbook decided on; someone else changed it. */
export class AliasChangedError extends PlatformError {
  override readonly name = ErrorNames.aliasChanged;
}

/** A resource no longer has the configuration the runbook decided on: someone else changed it. */
export class ConfigurationChangedError extends PlatformError {
  override readonly name = ErrorNames.configurationChanged;
}

/** A human rejected the proposed remediation. */
/** The spoke role of a workload account could not be assumed: nothing was done there. */
export class SpokeRoleUnavailableError extends PlatformError {
  override readonly name = ErrorNames.spokeRoleUnavailable;
}

export class ApprovalRejectedError extends PlatformError {
  override readonly name = ErrorNames.approvalRejected;
}

/**
 * Throttling, server-side and network errors of the AWS APIs that steps call, as the SDK names
 * them once its own retries are used up: each service's (Lambda's TooManyRequestsException and
 * ServiceException, SQS's RequestThrottled, SNS's ThrottledException and InternalErrorException,
 * DynamoDB's InternalServerError, KMS's KMSInternalException, S3's SlowDown), the common errors
 * every AWS API documents (ThrottlingException, InternalFailure, ServiceUnavailable:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html), and
 * the SDK's TimeoutError (no answer; the call may have taken effect, so steps are idempotent).
 * Lambda service exceptions of the invocation itself are retried by the task's own policy.
 */
export const retryableAwsErrors = [
  'Lambda.TooManyRequestsException',
  'TooManyRequestsException',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'ThrottledException',
  'SlowDown',
  'ServiceException',
  'InternalServiceError',
  'InternalError',
  'InternalErrorException',
  'InternalServerError',
  'InternalFailure',
  'KMSInternalException',
  'ServiceUnavailable',
  'TimeoutError',
] as const;

/** Whether an AWS call failed for a passing reason (throttled, a server fault, no answer): worth trying again. */
export function isTransientAwsError(error: unknown): boolean {
  const e = error as { name?: string; $fault?: string };
  return e.$fault === 'server' || (retryableAwsErrors as readonly string[]).includes(e.name ?? '');
}

/**
 * A step's Lambda cut off mid-invocation (its timeout, or its sandbox died), as Step Functions
 * names it, and what idempotency says of a retry that comes too soon after one. Steps are
 * idempotent, so running one again finishes what was cut off, a rollback above all; one that
 * times out every time fails after the retries like any other error.
 */
export const interruptedInvocationErrors = [
  'Sandbox.Timedout',
  // Powertools' table failing (throttled, say).
  'IdempotencyPersistenceLayerError',
] as const;

/**
 * Powertools: a duplicate still running, or one cut off (or whose failure it could not record)
 * until that invocation's time is up: its in-progress record expires when the function would have
 * timed out (https://github.com/aws-powertools/powertools-lambda-python/pull/1387).
 */
export const inProgressError = 'IdempotencyAlreadyInProgressError';
