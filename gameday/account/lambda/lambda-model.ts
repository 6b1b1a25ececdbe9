import type { FaultInjections } from './fault-injections.js';
import type { RuntimeSettings } from './function-configurations.js';

/** How a version behaves when invoked: the share of invocations that fail and how long each takes. */
export interface VersionBehaviour {
  readonly errorRate: number;
  readonly durationMs: number;
}

export interface SimulatedVersion {
  readonly version: string;
  readonly publishedAt: Date;
  readonly codeSha256: string;
  /** The runtime and environment `$LATEST` had when the version was published. */
  readonly settings: RuntimeSettings;
  behaviour: VersionBehaviour;
}

export interface SimulatedAlias {
  readonly name: string;
  functionVersion: string;
  weights: Record<string, number>;
  revisionId: string;
}

export interface SimulatedFunction {
  readonly name: string;
  readonly arn: string;
  timeoutSeconds: number;
  readonly memorySize: number;
  readonly versions: Map<string, SimulatedVersion>;
  readonly aliases: Map<string, SimulatedAlias>;
  readonly tags: Readonly<Record<string, string>>;
  codeRevision: number;
}

/**
 * What the simulated Lambda's parts (code, invocations) look functions up by: the simulated Lambda
 * itself, named here so they need not import it.
 */
export interface FunctionLookup {
  readonly faults: FaultInjections;
  /** A function by name; NotFound when there is none. */
  fn(name: string): SimulatedFunction;
  /** One of the function's aliases; NotFound when there is none. */
  alias(fn: SimulatedFunction, name: string): SimulatedAlias;
  /** One of the function's versions; NotFound when there is none. */
  version(fn: SimulatedFunction, version: string): SimulatedVersion;
}
