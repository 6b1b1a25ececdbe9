import { PlatformError } from '../../../handlers/lib/errors.js';
import { seeded } from '../seeded-random.js';

/**
 * What can go wrong with one AWS call, as a step sees it once the SDK's own retries are used up
 * (the simulated account answers before the SDK's retry middleware, so a fault here is the last
 * attempt's): the service throttles or fails before doing anything, the call takes effect but its
 * answer never arrives (a socket timeout), or the step's Lambda is cut off right after the call.
 */
export type CallFaultKind = 'throttle' | 'server-error' | 'timeout-after-effect' | 'cut-off-after';

export const callFaultKinds: readonly CallFaultKind[] = [
  'throttle',
  'server-error',
  'timeout-after-effect',
  'cut-off-after',
];

/** One fault a schedule injected: which call, of which service, and what went wrong. */
export interface InjectedFault {
  /** The call's ordinal among the calls the schedule saw (from 1). */
  readonly call: number;
  readonly service: string;
  readonly operation: string;
  readonly kind: CallFaultKind;
}

/**
 * A seeded fault schedule: `faults` faults at calls drawn evenly from the first `calls` the
 * platform makes (a fault-free run's count), each of a kind drawn too. Replaying the same seed
 * against the same game day injects the same faults. No faults: the calls are only counted.
 */
export interface FaultScheduleOptions {
  readonly seed: number;
  readonly faults: number;
  readonly calls: number;
}

/** The step's Lambda was cut off (timed out, or its sandbox died) after a call took effect. */
export class LambdaCutOff extends PlatformError {
  override readonly name = 'Sandbox.Timedout';
}

/**
 * The errors each service answers with, in AWS's words: the throttling error and the 5xx error
 * its API reference lists (Lambda's TooManyRequestsException carries Retry-After). Services not
 * named answer with the common errors every AWS API documents (ThrottlingException 400,
 * InternalFailure 500): https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html#API_UpdateAlias_Errors,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html.
 */
const serviceErrors: Readonly<Record<string, { throttle: string; throttleStatus: number; server: string }>> =
  {
    LambdaClient: { throttle: 'TooManyRequestsException', throttleStatus: 429, server: 'ServiceException' },
    SQSClient: { throttle: 'RequestThrottled', throttleStatus: 400, server: 'InternalFailure' },
    DynamoDBClient: { throttle: 'ThrottlingException', throttleStatus: 400, server: 'InternalServerError' },
    SecretsManagerClient: {
      throttle: 'ThrottlingException',
      throttleStatus: 400,
      server: 'InternalServiceError',
    },
    CloudWatchClient: { throttle: 'Throttling', throttleStatus: 400, server: 'InternalServiceError' },
    SNSClient: { throttle: 'ThrottledException', throttleStatus: 400, server: 'InternalErrorException' },
    KMSClient: { throttle: 'ThrottlingException', throttleStatus: 400, server: 'KMSInternalException' },
    S3Client: { throttle: 'SlowDown', throttleStatus: 503, server: 'InternalError' },
  };
const commonErrors = { throttle: 'ThrottlingException', throttleStatus: 400, server: 'InternalFailure' };

/** An error as the SDK throws a service's answer: its name, fault side and HTTP status. */
function serviceError(name: string, fault: 'client' | 'server', status: number, message: string) {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status, attempts: 3 },
    ...(name === 'TooManyRequestsException'
      ? { retryAfterSeconds: '1', Reason: 'CallerRateLimitExceeded' }
      : {}),
  });
}

/**
 * Faults at any call of a simulated account's platform clients, on a seeded schedule. The cut-off
 * lasts for the rest of the step's invocation: every later call of it fails without effect, and
 * the Task fails with `Sandbox.Timedout` whatever the step's code made of it (see `invocation`).
 */
export class CallFaults {
  /** The faults to come, by the ordinal of the call they hit. */
  private readonly planned = new Map<number, CallFaultKind>();
  /** Calls made so far. */
  calls = 0;
  readonly injected: InjectedFault[] = [];
  /** The invocation a cut-off happened in, until it ends. */
  private cutOff = false;

  constructor(options: FaultScheduleOptions) {
    const random = seeded(options.seed);
    for (let i = 0; i < options.faults && options.calls > 0; i += 1) {
      const call = 1 + Math.floor(random() * options.calls);
      this.planned.set(call, callFaultKinds[Math.floor(random() * callFaultKinds.length)] ?? 'throttle');
    }
  }

  /**
   * Runs one call: throws before it (throttled, server error) or after it took effect (timeout,
   * cut-off) when the schedule says so.
   */
  async call<T>(service: string, operation: string, run: () => Promise<T>): Promise<T> {
    if (this.cutOff) throw new LambdaCutOff(`the invocation was cut off before ${service} ${operation}`);
    this.calls += 1;
    const kind = this.planned.get(this.calls);
    if (kind) this.injected.push({ call: this.calls, service, operation, kind });
    const errors = serviceErrors[service] ?? commonErrors;
    const what = `${service.replace(/Client$/, '')} ${operation}`;
    if (kind === 'throttle')
      throw serviceError(errors.throttle, 'client', errors.throttleStatus, `Rate exceeded (${what})`);
    if (kind === 'server-error')
      throw serviceError(errors.server, 'server', 500, `We encountered an internal error (${what})`);
    const result = await run();
    if (kind === 'timeout-after-effect')
      throw serviceError(
        'TimeoutError',
        'client',
        0,
        `Connection timed out after the request was sent (${what})`,
      );
    if (kind === 'cut-off-after') {
      this.cutOff = true;
      throw new LambdaCutOff(`the invocation timed out right after ${what}`);
    }
    return result;
  }

  /**
   * Runs one step invocation: a cut-off during it fails the Task with `Sandbox.Timedout`, as Step
   * Functions reports a timed-out Lambda, even when the step's code caught the error it saw, once
   * `timedOut` let the function's timeout pass.
   */
  async invocation<T>(run: () => Promise<T>, timedOut: () => Promise<void>): Promise<T> {
    // An invocation may invoke another function (a step, the rotation function): each is cut off
    // on its own, and the caller sees the callee's failure as Lambda's answer.
    const outer = this.cutOff;
    this.cutOff = false;
    try {
      let result: T;
      try {
        result = await run();
      } catch (error) {
        if (!this.cutOff) throw error;
        result = undefined as T;
      }
      if (!this.cutOff) return result;
      await timedOut();
      throw new LambdaCutOff('the invocation was cut off');
    } finally {
      this.cutOff = outer;
    }
  }
}
