import { createHash } from 'node:crypto';
import {
  type AliasConfiguration,
  type CreateAliasCommandInput,
  type GetAliasCommandInput,
  InvalidParameterValueException,
  type ListVersionsByFunctionCommandInput,
  type ListVersionsByFunctionCommandOutput,
  PreconditionFailedException,
  ResourceNotFoundException,
  type UpdateAliasCommandInput,
} from '@aws-sdk/client-lambda';
import type { AccountIdentity } from './account-identity.js';
import type { MetricStore } from './metric-store.js';
import type { VirtualClock } from './virtual-clock.js';

/** How a version behaves when invoked: the share of invocations that fail and how long each takes. */
export interface VersionBehaviour {
  readonly errorRate: number;
  readonly durationMs: number;
}

interface SimulatedVersion {
  readonly version: string;
  readonly publishedAt: Date;
  readonly codeSha256: string;
  behaviour: VersionBehaviour;
}

interface SimulatedAlias {
  readonly name: string;
  functionVersion: string;
  weights: Record<string, number>;
  revisionId: string;
}

interface SimulatedFunction {
  readonly name: string;
  readonly arn: string;
  readonly timeoutSeconds: number;
  readonly versions: Map<string, SimulatedVersion>;
  readonly aliases: Map<string, SimulatedAlias>;
  codeRevision: number;
}

/** Lambda's `LastModified` format: `2019-06-18T17:20:48.000+0000`. */
function lambdaTimestamp(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {}, Type: 'User' });
}

function invalid(message: string): InvalidParameterValueException {
  return new InvalidParameterValueException({ message, $metadata: {}, Type: 'User' });
}

/**
 * Lambda functions, published versions and aliases with weighted routing, as the runbooks see them
 * through the API, plus invocation outcomes that publish the AWS/Lambda metrics. Aliases route
 * to at most one additional version, both versions must be published, and `RevisionId` makes updates
 * conditional (https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html).
 */
export class SimulatedLambda {
  private readonly functions = new Map<string, SimulatedFunction>();
  private readonly eventSources: { eventSourceArn: string; functionArn: string }[] = [];
  private revisions = 0;

  constructor(
    private readonly identity: AccountIdentity,
    private readonly metrics: MetricStore,
    private readonly clock: VirtualClock,
  ) {}

  /** Creates a function (setup only; the runbooks never create functions). */
  createFunction(name: string, timeoutSeconds = 30): void {
    this.functions.set(name, {
      name,
      arn: `arn:aws:lambda:${this.identity.region}:${this.identity.accountId}:function:${name}`,
      timeoutSeconds,
      versions: new Map(),
      aliases: new Map(),
      codeRevision: 0,
    });
  }

  /** Publishes a new version with the given behaviour; returns its number. */
  publishVersion(functionName: string, behaviour: VersionBehaviour, at: Date = this.clock.now()): string {
    const fn = this.fn(functionName);
    fn.codeRevision += 1;
    const version = String(fn.versions.size + 1);
    fn.versions.set(version, {
      version,
      publishedAt: at,
      codeSha256: createHash('sha256').update(`${fn.name}:${fn.codeRevision}`).digest('base64'),
      behaviour,
    });
    return version;
  }

  /** Changes how an already published version behaves (a fault that is not a deploy). */
  setBehaviour(functionName: string, version: string, behaviour: VersionBehaviour): void {
    this.version(this.fn(functionName), version).behaviour = behaviour;
  }

  createAlias(input: CreateAliasCommandInput): AliasConfiguration {
    const fn = this.fn(input.FunctionName ?? '');
    if (!input.Name || fn.aliases.has(input.Name))
      throw invalid(`alias ${input.Name} already exists or has no name`);
    const weights = this.checkRouting(
      fn,
      input.FunctionVersion ?? '',
      input.RoutingConfig?.AdditionalVersionWeights,
    );
    const alias: SimulatedAlias = {
      name: input.Name,
      functionVersion: input.FunctionVersion ?? '',
      weights,
      revisionId: this.nextRevision(),
    };
    fn.aliases.set(alias.name, alias);
    return this.describeAlias(fn, alias);
  }

  getAlias(input: GetAliasCommandInput): AliasConfiguration {
    const fn = this.fn(input.FunctionName ?? '');
    return this.describeAlias(fn, this.alias(fn, input.Name ?? ''));
  }

  updateAlias(input: UpdateAliasCommandInput): AliasConfiguration {
    const fn = this.fn(input.FunctionName ?? '');
    const alias = this.alias(fn, input.Name ?? '');
    if (input.RevisionId !== undefined && input.RevisionId !== alias.revisionId) {
      throw new PreconditionFailedException({
        message:
          'The Revision Id provided does not match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id',
        $metadata: {},
        Type: 'User',
      });
    }
    const functionVersion = input.FunctionVersion ?? alias.functionVersion;
    const weights = input.RoutingConfig
      ? this.checkRouting(fn, functionVersion, input.RoutingConfig.AdditionalVersionWeights)
      : this.checkRouting(fn, functionVersion, alias.weights);
    alias.functionVersion = functionVersion;
    alias.weights = weights;
    alias.revisionId = this.nextRevision();
    return this.describeAlias(fn, alias);
  }

  listVersionsByFunction(
    input: ListVersionsByFunctionCommandInput,
  ): Omit<ListVersionsByFunctionCommandOutput, '$metadata'> {
    const fn = this.fn(input.FunctionName ?? '');
    const all = [
      {
        Version: '$LATEST',
        FunctionName: fn.name,
        FunctionArn: `${fn.arn}:$LATEST`,
        LastModified: lambdaTimestamp(this.clock.now()),
      },
      ...[...fn.versions.values()].map((v) => ({
        Version: v.version,
        FunctionName: fn.name,
        FunctionArn: `${fn.arn}:${v.version}`,
        CodeSha256: v.codeSha256,
        Timeout: fn.timeoutSeconds,
        LastModified: lambdaTimestamp(v.publishedAt),
      })),
    ];
    // Lambda pages version lists (up to 50 per call); the marker is the index to resume from.
    const start = Number(input.Marker ?? 0);
    const size = Math.min(input.MaxItems ?? 50, 50);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    return { Versions: page, ...(next ? { NextMarker: next } : {}) };
  }

  /** The version an alias sends most traffic to and its weighted extras, for scenario assertions. */
  aliasConfig(
    functionName: string,
    aliasName: string,
  ): { functionVersion: string; weights: Record<string, number> } {
    const alias = this.alias(this.fn(functionName), aliasName);
    return { functionVersion: alias.functionVersion, weights: { ...alias.weights } };
  }

  /**
   * Invokes an alias `count` times in the minute at `at`: traffic splits by routing weight, each
   * version fails at its error rate, and the AWS/Lambda metrics are published per function, per
   * alias (`Resource`) and per alias and executed version, as Lambda does
   * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). Returns the errors.
   */
  invokeAlias(functionName: string, aliasName: string, count: number, at: Date): number {
    const fn = this.fn(functionName);
    const alias = this.alias(fn, aliasName);
    const shares = Object.entries(alias.weights).map(
      ([version, weight]) => [version, Math.round(count * weight)] as const,
    );
    const extra = shares.reduce((sum, [, n]) => sum + n, 0);
    let errors = 0;
    for (const [version, invocations] of [[alias.functionVersion, count - extra] as const, ...shares]) {
      if (invocations <= 0) continue;
      const { behaviour } = this.version(fn, version);
      const failed = Math.round(invocations * behaviour.errorRate);
      errors += failed;
      const resource = `${fn.name}:${alias.name}`;
      this.recordMetrics(
        [
          { FunctionName: fn.name },
          { FunctionName: fn.name, Resource: resource },
          { FunctionName: fn.name, Resource: resource, ExecutedVersion: version },
        ],
        invocations,
        failed,
        behaviour.durationMs,
        at,
      );
    }
    return errors;
  }

  /** Records invocations of a function not reached through an alias (an SQS consumer, say). */
  recordInvocations(functionName: string, invocations: number, errors: number, at: Date): void {
    this.fn(functionName);
    if (invocations > 0) this.recordMetrics([{ FunctionName: functionName }], invocations, errors, 100, at);
  }

  /** Maps an event source (an SQS queue) to a function, as an event source mapping does. */
  mapEventSource(eventSourceArn: string, functionName: string): void {
    this.eventSources.push({ eventSourceArn, functionArn: this.fn(functionName).arn });
  }

  getFunctionConfiguration(input: { FunctionName?: string }) {
    const fn = this.fn(input.FunctionName ?? '');
    return { FunctionName: fn.name, FunctionArn: fn.arn, Timeout: fn.timeoutSeconds };
  }

  listEventSourceMappings(input: { EventSourceArn?: string; FunctionName?: string }) {
    return {
      EventSourceMappings: this.eventSources
        .filter((m) => !input.EventSourceArn || m.eventSourceArn === input.EventSourceArn)
        .map((m) => ({ EventSourceArn: m.eventSourceArn, FunctionArn: m.functionArn, State: 'Enabled' })),
    };
  }

  private recordMetrics(
    dimensionSets: Record<string, string>[],
    invocations: number,
    failed: number,
    durationMs: number,
    at: Date,
  ): void {
    for (const dimensions of dimensionSets) {
      this.metrics.record({ namespace: 'AWS/Lambda', name: 'Invocations', dimensions }, at, {
        sum: invocations,
        count: invocations,
        min: 1,
        max: 1,
      });
      this.metrics.record({ namespace: 'AWS/Lambda', name: 'Errors', dimensions }, at, {
        sum: failed,
        count: invocations,
        min: failed > 0 ? (failed === invocations ? 1 : 0) : 0,
        max: failed > 0 ? 1 : 0,
      });
      this.metrics.record({ namespace: 'AWS/Lambda', name: 'Duration', dimensions }, at, {
        sum: invocations * durationMs,
        count: invocations,
        min: durationMs,
        max: durationMs,
      });
      this.metrics.record({ namespace: 'AWS/Lambda', name: 'Throttles', dimensions }, at, {
        sum: 0,
        count: 1,
        min: 0,
        max: 0,
      });
    }
  }

  private checkRouting(
    fn: SimulatedFunction,
    functionVersion: string,
    weights: Record<string, number> | undefined,
  ): Record<string, number> {
    this.version(fn, functionVersion);
    const entries = Object.entries(weights ?? {});
    if (entries.length > 1) throw invalid('an alias can route to at most one additional version');
    for (const [version, weight] of entries) {
      this.version(fn, version);
      if (version === functionVersion)
        throw invalid('the additional version must differ from the primary version');
      if (!(weight >= 0 && weight <= 1)) throw invalid(`weight ${weight} is not between 0.0 and 1.0`);
    }
    return Object.fromEntries(entries);
  }

  private nextRevision(): string {
    this.revisions += 1;
    return createHash('sha256').update(`revision-${this.revisions}`).digest('hex').slice(0, 36);
  }

  private describeAlias(fn: SimulatedFunction, alias: SimulatedAlias): AliasConfiguration {
    return {
      AliasArn: `${fn.arn}:${alias.name}`,
      Name: alias.name,
      FunctionVersion: alias.functionVersion,
      RevisionId: alias.revisionId,
      ...(Object.keys(alias.weights).length
        ? { RoutingConfig: { AdditionalVersionWeights: { ...alias.weights } } }
        : {}),
    };
  }

  private fn(name: string): SimulatedFunction {
    const bare = name.replace(/^arn:aws[a-z-]*:lambda:[^:]+:\d+:function:/, '');
    const fn = this.functions.get(bare);
    if (!fn) throw notFound(`Function not found: ${this.identity.accountId}:function:${bare}`);
    return fn;
  }

  private alias(fn: SimulatedFunction, name: string): SimulatedAlias {
    const alias = fn.aliases.get(name);
    if (!alias) throw notFound(`Alias not found: ${fn.arn}:${name}`);
    return alias;
  }

  private version(fn: SimulatedFunction, version: string): SimulatedVersion {
    if (version === '$LATEST') throw invalid('aliases route only to published versions, not $LATEST');
    const found = fn.versions.get(version);
    if (!found) throw notFound(`Function not found: ${fn.arn}:${version}`);
    return found;
  }
}
