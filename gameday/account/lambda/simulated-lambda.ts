import { createHash } from 'node:crypto';
import type {
  AliasConfiguration,
  CreateAliasCommandInput,
  GetAliasCommandInput,
  UpdateAliasCommandInput,
} from '@aws-sdk/client-lambda';
import { PreconditionFailedException } from '@aws-sdk/client-lambda';
import type { AccountIdentity } from '../account-identity.js';
import type { MetricStore } from '../metric-store.js';
import type { VirtualClock } from '../virtual-clock.js';
import { ConcurrencySettings } from './concurrency-settings.js';
import { EventSourceMappings } from './event-source-mappings.js';
import { FaultInjections } from './fault-injections.js';
import { FunctionCode } from './function-code.js';
import { FunctionConfigurations, type RuntimeSettings } from './function-configurations.js';
import { invalid, notFound } from './lambda-errors.js';
import { LambdaInvocations } from './lambda-invocations.js';
import type {
  FunctionLookup,
  SimulatedAlias,
  SimulatedFunction,
  SimulatedVersion,
  VersionBehaviour,
} from './lambda-model.js';

export type {
  SimulatedAlias,
  SimulatedFunction,
  SimulatedVersion,
  VersionBehaviour,
} from './lambda-model.js';

/**
 * Lambda functions, published versions and aliases with weighted routing, as the runbooks see them
 * through the API. Aliases route to at most one additional version, both versions must be
 * published, and `RevisionId` makes updates conditional
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html). Concurrency settings, event
 * source mappings and invocations are modules of their own.
 */
export class SimulatedLambda implements FunctionLookup {
  private readonly functions = new Map<string, SimulatedFunction>();
  private revisions = 0;
  readonly concurrency: ConcurrencySettings;
  readonly mappings = new EventSourceMappings();
  readonly invocations: LambdaInvocations;
  readonly code: FunctionCode = new FunctionCode(this);
  /** Faults FIS experiments inject into invocations. */
  readonly faults = new FaultInjections();
  readonly configurations: FunctionConfigurations;
  /**
   * How a version published through the API behaves, by function: a game day says how its code
   * behaves on a runtime or with an environment. Default: as the previous version.
   */
  readonly behaviourOnPublish = new Map<
    string,
    (settings: RuntimeSettings) => VersionBehaviour | undefined
  >();

  constructor(
    private readonly identity: AccountIdentity,
    metrics: MetricStore,
    private readonly clock: VirtualClock,
  ) {
    this.concurrency = new ConcurrencySettings(clock);
    this.configurations = new FunctionConfigurations(clock);
    this.invocations = new LambdaInvocations(this, this.concurrency, metrics);
  }

  /** Creates a function (setup only; the runbooks never create functions). */
  createFunction(
    name: string,
    timeoutSeconds = 30,
    memorySize = 512,
    options: Partial<RuntimeSettings> & { readonly tags?: Readonly<Record<string, string>> } = {},
  ): void {
    this.configurations.configure(name, {
      runtime: options.runtime ?? 'nodejs22.x',
      environment: options.environment ?? {},
    });
    this.functions.set(name, {
      tags: options.tags ?? {},
      name,
      arn: `arn:aws:lambda:${this.identity.region}:${this.identity.accountId}:function:${name}`,
      timeoutSeconds,
      memorySize,
      versions: new Map(),
      aliases: new Map(),
      codeRevision: 0,
    });
  }

  /** Deploys new code and publishes it as a version with the given behaviour; returns its number. */
  publishVersion(functionName: string, behaviour: VersionBehaviour, at: Date = this.clock.now()): string {
    const fn = this.fn(functionName);
    fn.codeRevision += 1;
    return this.addVersion(fn, behaviour, at);
  }

  /** Publishes `$LATEST` as it is (its code and configuration) as a new version. */
  addVersion(fn: SimulatedFunction, behaviour: VersionBehaviour, at: Date = this.clock.now()): string {
    this.configurations.assertIdle(fn.name, fn.arn);
    const { runtime, environment } = this.configurations.latest(fn.name);
    const version = String(fn.versions.size + 1);
    fn.versions.set(version, {
      version,
      publishedAt: at,
      codeSha256: this.codeShaOf(fn),
      settings: { runtime, environment },
      behaviour,
    });
    return version;
  }

  codeShaOf(fn: SimulatedFunction): string {
    return createHash('sha256').update(`${fn.name}:${fn.codeRevision}`).digest('base64');
  }

  /** Every function, in creation order. */
  all(): SimulatedFunction[] {
    return [...this.functions.values()];
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
    const weights = this.checkRouting(
      fn,
      functionVersion,
      input.RoutingConfig ? input.RoutingConfig.AdditionalVersionWeights : alias.weights,
    );
    alias.functionVersion = functionVersion;
    alias.weights = weights;
    alias.revisionId = this.nextRevision();
    return this.describeAlias(fn, alias);
  }

  /** The version an alias sends most traffic to and its weighted extras, for scenario assertions. */
  aliasConfig(
    functionName: string,
    aliasName: string,
  ): { functionVersion: string; weights: Record<string, number> } {
    const alias = this.alias(this.fn(functionName), aliasName);
    return { functionVersion: alias.functionVersion, weights: { ...alias.weights } };
  }

  /** Maps an SQS queue to a function, as an event source mapping does. */
  /**
   * Sets a function's timeout, 1 to 900 seconds as Lambda allows (UpdateFunctionConfiguration,
   * Lambda API reference); a team raising it is how a queue's visibility timeout falls behind.
   */
  setTimeout(functionName: string, seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 900)
      throw invalid(`Timeout must be between 1 and 900 seconds, not ${seconds}`);
    this.fn(functionName).timeoutSeconds = seconds;
  }

  mapEventSource(
    eventSourceArn: string,
    functionName: string,
    options: {
      batchSize?: number;
      maximumConcurrency?: number;
      maximumBatchingWindowInSeconds?: number;
    } = {},
  ) {
    return this.mappings.add(eventSourceArn, this.fn(functionName).arn, options, this.clock.now());
  }

  /** Whether a function of that name exists. */
  has(name: string): boolean {
    return this.functions.has(name);
  }

  /** A function by name or ARN; ResourceNotFoundException as Lambda answers otherwise. */
  fn(name: string): SimulatedFunction {
    const bare = name.replace(/^arn:aws[a-z-]*:lambda:[^:]+:\d+:function:/, '').replace(/:[^:]+$/, '');
    const fn = this.functions.get(bare);
    if (!fn) throw notFound(`Function not found: ${this.identity.accountId}:function:${bare}`);
    return fn;
  }

  alias(fn: SimulatedFunction, name: string): SimulatedAlias {
    const alias = fn.aliases.get(name);
    if (!alias) throw notFound(`Alias not found: ${fn.arn}:${name}`);
    return alias;
  }

  version(fn: SimulatedFunction, version: string): SimulatedVersion {
    if (version === '$LATEST') throw invalid('aliases route only to published versions, not $LATEST');
    const found = fn.versions.get(version);
    if (!found) throw notFound(`Function not found: ${fn.arn}:${version}`);
    return found;
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
}
