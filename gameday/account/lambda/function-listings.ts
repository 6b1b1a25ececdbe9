import type {
  FunctionConfiguration,
  ListAliasesCommandInput,
  ListFunctionsCommandInput,
  ListVersionsByFunctionCommandInput,
  PublishVersionCommandInput,
  UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import type { RuntimeSettings } from './function-configurations.js';
import { invalid } from './lambda-errors.js';
import type { SimulatedFunction, SimulatedLambda } from './simulated-lambda.js';

/** Lambda's `LastModified` format: `2019-06-18T17:20:48.000+0000`. */
function lambdaTimestamp(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}

/** Lambda pages lists (up to 50 per call); the marker is the index to resume from. */
function page<T>(all: readonly T[], marker: string | undefined, maxItems: number | undefined) {
  const start = Number(marker ?? 0);
  const size = Math.min(maxItems ?? 50, 50);
  const next = start + size < all.length ? String(start + size) : undefined;
  return { items: all.slice(start, start + size), ...(next ? { next } : {}) };
}

/**
 * The Lambda API over functions' configurations, versions and aliases: listing (every version
 * with `FunctionVersion=ALL`), reading a qualified configuration, updating `$LATEST` and publishing
 * it as a version (https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html).
 */
export class FunctionListings {
  constructor(private readonly lambda: SimulatedLambda) {}

  /** A function's configuration: `$LATEST`'s, or a published version's as it was published. */
  configurationOf(fn: SimulatedFunction, version = '$LATEST'): FunctionConfiguration {
    const base = {
      FunctionName: fn.name,
      Timeout: fn.timeoutSeconds,
      MemorySize: fn.memorySize,
      State: 'Active' as const,
    };
    const env = (settings: RuntimeSettings) => ({ Environment: { Variables: { ...settings.environment } } });
    if (version === '$LATEST') {
      const latest = this.lambda.configurations.latest(fn.name);
      return {
        ...base,
        FunctionArn: fn.arn,
        Version: '$LATEST',
        Runtime: latest.runtime as FunctionConfiguration['Runtime'],
        ...env(latest),
        LastUpdateStatus: latest.lastUpdateStatus,
        ...(latest.lastUpdateStatusReason ? { LastUpdateStatusReason: latest.lastUpdateStatusReason } : {}),
        RevisionId: latest.revisionId,
        CodeSha256: this.lambda.codeShaOf(fn),
      };
    }
    const v = this.lambda.version(fn, version);
    return {
      ...base,
      FunctionArn: `${fn.arn}:${v.version}`,
      Version: v.version,
      Runtime: v.settings.runtime as FunctionConfiguration['Runtime'],
      ...env(v.settings),
      LastUpdateStatus: 'Successful',
      CodeSha256: v.codeSha256,
      LastModified: lambdaTimestamp(v.publishedAt),
    };
  }

  getFunctionConfiguration(input: { FunctionName?: string; Qualifier?: string }): FunctionConfiguration {
    const name = input.FunctionName ?? '';
    const fn = this.lambda.fn(name);
    const qualifier = input.Qualifier ?? /:([^:]+)$/.exec(name.replace(fn.arn, ''))?.[1];
    if (qualifier === undefined || qualifier === '$LATEST') return this.configurationOf(fn);
    const version = /^\d+$/.test(qualifier) ? qualifier : this.lambda.alias(fn, qualifier).functionVersion;
    return this.configurationOf(fn, version);
  }

  listVersionsByFunction(input: ListVersionsByFunctionCommandInput) {
    const fn = this.lambda.fn(input.FunctionName ?? '');
    const all = ['$LATEST', ...fn.versions.keys()].map((v) => this.configurationOf(fn, v));
    const { items, next } = page(all, input.Marker, input.MaxItems);
    return { Versions: items, ...(next ? { NextMarker: next } : {}) };
  }

  /** `$LATEST` of every function, or with `FunctionVersion=ALL` every published version too. */
  listFunctions(input: ListFunctionsCommandInput = {}) {
    if (input.FunctionVersion !== undefined && input.FunctionVersion !== 'ALL')
      throw invalid(
        "Value at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
      );
    const all = this.lambda
      .all()
      .flatMap((fn) =>
        input.FunctionVersion === 'ALL'
          ? ['$LATEST', ...fn.versions.keys()].map((v) => this.configurationOf(fn, v))
          : [this.configurationOf(fn)],
      );
    const { items, next } = page(all, input.Marker, input.MaxItems);
    return { Functions: items, ...(next ? { NextMarker: next } : {}) };
  }

  listAliases(input: ListAliasesCommandInput) {
    const fn = this.lambda.fn(input.FunctionName ?? '');
    const aliases = [...fn.aliases.values()].map((a) =>
      this.lambda.getAlias({ FunctionName: fn.name, Name: a.name }),
    );
    const { items, next } = page(aliases, input.Marker, input.MaxItems);
    return { Aliases: items, ...(next ? { NextMarker: next } : {}) };
  }

  listTags(input: { Resource?: string }) {
    return { Tags: { ...this.lambda.fn(input.Resource ?? '').tags } };
  }

  updateFunctionConfiguration(input: UpdateFunctionConfigurationCommandInput): FunctionConfiguration {
    const fn = this.lambda.fn(input.FunctionName ?? '');
    this.lambda.configurations.update(fn.name, fn.arn, input);
    if (input.Timeout !== undefined) this.lambda.setTimeout(fn.name, input.Timeout);
    return this.configurationOf(fn);
  }

  /**
   * Publishes `$LATEST`. As Lambda does, nothing new is published when neither code nor
   * configuration changed since the latest version: that version is returned.
   */
  publishVersion(input: PublishVersionCommandInput): FunctionConfiguration {
    const fn = this.lambda.fn(input.FunctionName ?? '');
    this.lambda.configurations.assertIdle(fn.name, fn.arn);
    const latest = this.lambda.configurations.latest(fn.name);
    if (input.RevisionId !== undefined && input.RevisionId !== latest.revisionId)
      throw invalid('The Revision Id provided does not match the latest Revision Id.');
    const newest = [...fn.versions.values()].at(-1);
    const settings: RuntimeSettings = { runtime: latest.runtime, environment: latest.environment };
    if (
      newest &&
      newest.codeSha256 === this.lambda.codeShaOf(fn) &&
      JSON.stringify(newest.settings) === JSON.stringify(settings)
    )
      return this.configurationOf(fn, newest.version);
    const behaviour = this.lambda.behaviourOnPublish.get(fn.name)?.(settings) ??
      newest?.behaviour ?? { errorRate: 0, durationMs: 100 };
    return this.configurationOf(fn, this.lambda.addVersion(fn, { ...behaviour }));
  }
}
