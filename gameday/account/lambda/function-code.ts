import type { InvokeCommandInput } from '@aws-sdk/client-lambda';
import { invalid } from './lambda-errors.js';
import type { FunctionLookup } from './lambda-model.js';

/** A function's code as the simulated account runs it: the event in, the result out, errors thrown. */
export type FunctionHandler = (event: unknown, version: string) => Promise<unknown>;

/** What an invocation returned: the result, or the error Lambda reports as `FunctionError`. */
export type InvocationResult =
  | { readonly ok: true; readonly executedVersion: string; readonly result: unknown }
  | {
      readonly ok: false;
      readonly executedVersion: string;
      readonly error: { readonly errorType: string; readonly errorMessage: string };
    };

/**
 * Functions with code that runs when invoked: the functions game days invoke by name (a rotation
 * function, a credential adapter, consumers' health checks), beside the traffic model that only
 * counts invocations. A qualifier resolves as Lambda resolves it: an alias to its version.
 */
export class FunctionCode {
  private readonly handlers = new Map<string, FunctionHandler>();

  constructor(private readonly lambda: FunctionLookup) {}

  deploy(functionName: string, handler: FunctionHandler): void {
    this.handlers.set(this.lambda.fn(functionName).name, handler);
  }

  /** Invokes a function (name, ARN or `name:qualifier`) synchronously, as `Invoke` does. */
  async invoke(
    functionName: string,
    qualifier: string | undefined,
    event: unknown,
  ): Promise<InvocationResult> {
    const fn = this.lambda.fn(functionName);
    const q = qualifier ?? /:([^:]+)$/.exec(functionName.replace(fn.arn, ''))?.[1];
    const executedVersion =
      q === undefined || q === '$LATEST'
        ? '$LATEST'
        : /^\d+$/.test(q)
          ? this.lambda.version(fn, q).version
          : this.lambda.alias(fn, q).functionVersion;
    const handler = this.handlers.get(fn.name) ?? this.byBehaviour(fn.name, executedVersion);
    try {
      return { ok: true, executedVersion, result: await handler(event, executedVersion) };
    } catch (error) {
      const e = error as Error;
      return { ok: false, executedVersion, error: { errorType: e.name, errorMessage: e.message } };
    }
  }

  /**
   * Code a function was given no handler for behaves as its version does under traffic: the share
   * of calls that fail, spread evenly over the calls (deterministic, so game days replay).
   */
  private byBehaviour(functionName: string, version: string): FunctionHandler {
    return async () => {
      const fn = this.lambda.fn(functionName);
      const v = version === '$LATEST' ? [...fn.versions.values()].at(-1) : this.lambda.version(fn, version);
      if (!v) throw invalid(`the simulated function ${fn.name} has no code to run`);
      const key = `${fn.name}:${v.version}`;
      const calls = (this.calls.get(key) ?? 0) + 1;
      this.calls.set(key, calls);
      if (Math.floor(calls * v.behaviour.errorRate) > Math.floor((calls - 1) * v.behaviour.errorRate))
        throw Object.assign(new Error('the function failed'), { name: 'Error' });
      return { statusCode: 200 };
    };
  }

  private readonly calls = new Map<string, number>();

  /** The `Invoke` API: a JSON payload in, the result or Lambda's error document out (202 for `Event`). */
  async invokeApi(input: InvokeCommandInput) {
    if (input.InvocationType === 'DryRun')
      throw invalid('the simulated account does not model DryRun invocations');
    const raw = input.Payload;
    // The platform sends JSON as a string or as UTF-8 bytes.
    const text =
      raw === undefined ? '{}' : typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array);
    const outcome = await this.invoke(input.FunctionName ?? '', input.Qualifier, JSON.parse(text));
    // An asynchronous invocation is accepted (202) whatever the function then does.
    if (input.InvocationType === 'Event') return { StatusCode: 202 };
    const body = outcome.ok ? (outcome.result ?? null) : outcome.error;
    return {
      StatusCode: 200,
      ExecutedVersion: outcome.executedVersion,
      Payload: new TextEncoder().encode(JSON.stringify(body)),
      ...(outcome.ok ? {} : { FunctionError: 'Unhandled' }),
    };
  }
}
