import { createHash } from 'node:crypto';
import type { UpdateFunctionConfigurationCommandInput } from '@aws-sdk/client-lambda';
import { PreconditionFailedException } from '@aws-sdk/client-lambda';
import { environmentKeyPattern, reservedEnvironmentKeys } from '../../../handlers/lib/lambda-environment.js';
import type { VirtualClock } from '../virtual-clock.js';
import { conflict, invalid } from './lambda-errors.js';

/** The part of a function's configuration runbooks change: its runtime and environment variables. */
export interface RuntimeSettings {
  readonly runtime: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** `$LATEST`'s configuration and where its last update stands. */
export interface LatestConfiguration extends RuntimeSettings {
  readonly lastUpdateStatus: 'Successful' | 'InProgress' | 'Failed';
  readonly lastUpdateStatusReason?: string;
  readonly revisionId: string;
}

interface State {
  current: RuntimeSettings;
  status: LatestConfiguration['lastUpdateStatus'];
  reason?: string;
  revision: number;
  /** An update in progress: what it sets, when it ends and how. */
  update?: { from: RuntimeSettings; endsAt: number; failure?: string };
}

/**
 * How long a configuration update stays `InProgress`. AWS documents the states, not how long they
 * last (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html); ten seconds is our figure.
 */
const updateSeconds = 10;

/**
 * Functions' `$LATEST` configuration and its update life cycle: `UpdateFunctionConfiguration` puts
 * `LastUpdateStatus` at `InProgress` and Lambda refuses other changes meanwhile
 * (ResourceConflictException); on the virtual clock it ends `Successful`, or `Failed` with the
 * configuration it had before.
 */
export class FunctionConfigurations {
  private readonly states = new Map<string, State>();
  private readonly failures = new Map<string, string>();

  constructor(private readonly clock: VirtualClock) {}

  /** Sets a function's configuration (setup). */
  configure(functionName: string, settings: RuntimeSettings): void {
    this.states.set(functionName, { current: settings, status: 'Successful', revision: 1 });
  }

  /** Makes the next update of the function end `Failed` with `reason` (a game day's fault). */
  failNextUpdate(functionName: string, reason: string): void {
    this.failures.set(functionName, reason);
  }

  latest(functionName: string): LatestConfiguration {
    const state = this.settle(functionName);
    return {
      ...state.current,
      lastUpdateStatus: state.status,
      ...(state.reason ? { lastUpdateStatusReason: state.reason } : {}),
      revisionId: revisionOf(functionName, state.revision),
    };
  }

  /** Refuses a change while an update is in progress, as Lambda does. */
  assertIdle(functionName: string, arn: string): void {
    if (this.settle(functionName).status === 'InProgress')
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
      );
  }

  update(
    functionName: string,
    arn: string,
    input: UpdateFunctionConfigurationCommandInput,
  ): LatestConfiguration {
    this.assertIdle(functionName, arn);
    const state = this.settle(functionName);
    if (input.RevisionId !== undefined && input.RevisionId !== revisionOf(functionName, state.revision))
      throw new PreconditionFailedException({
        message:
          'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
        $metadata: {},
        Type: 'User',
      });
    if (input.Runtime !== undefined && !/^[a-z0-9.]+$/.test(input.Runtime))
      throw invalid(`Value ${input.Runtime} at 'runtime' failed to satisfy constraint`);
    const keys = Object.keys(input.Environment?.Variables ?? {});
    const badKey = keys.find((k) => !environmentKeyPattern.test(k));
    if (badKey !== undefined)
      throw invalid(
        `1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`,
      );
    const reserved = keys.filter((k) => reservedEnvironmentKeys.has(k));
    if (reserved.length > 0)
      throw invalid(
        `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
      );
    const to: RuntimeSettings = {
      runtime: input.Runtime ?? state.current.runtime,
      environment: input.Environment?.Variables
        ? { ...input.Environment.Variables }
        : state.current.environment,
    };
    const failure = this.failures.get(functionName);
    this.failures.delete(functionName);
    state.update = {
      from: state.current,
      endsAt: this.clock.now().getTime() + updateSeconds * 1000,
      ...(failure ? { failure } : {}),
    };
    state.status = 'InProgress';
    delete state.reason;
    state.revision += 1;
    // While in progress, the API already shows the new settings (and ends with them unless it fails).
    state.current = to;
    return this.latest(functionName);
  }

  /** Ends an update whose time has come: `Successful`, or `Failed` with the settings it had before. */
  private settle(functionName: string): State {
    let state = this.states.get(functionName);
    if (!state) {
      state = { current: { runtime: 'nodejs22.x', environment: {} }, status: 'Successful', revision: 1 };
      this.states.set(functionName, state);
    }
    const { update } = state;
    if (update && this.clock.now().getTime() >= update.endsAt) {
      delete state.update;
      state.revision += 1;
      if (update.failure) {
        state.status = 'Failed';
        state.reason = update.failure;
        state.current = update.from;
      } else {
        state.status = 'Successful';
      }
    }
    return state;
  }
}

function revisionOf(functionName: string, revision: number): string {
  return createHash('sha256').update(`${functionName}|config|${revision}`).digest('hex').slice(0, 36);
}
