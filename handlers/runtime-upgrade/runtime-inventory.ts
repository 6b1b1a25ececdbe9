import {
  type FunctionConfiguration,
  type LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import {
  datesOf,
  deprecatedWithin,
  type RuntimeDates,
  runtimeSchedule,
  runtimeScheduleSource,
  successorOf,
} from './runtime-schedule.js';

/** A function version on a runtime that is deprecated, or will be within the horizon. */
export interface RuntimeFinding {
  readonly functionName: string;
  readonly version: string;
  readonly runtime: string;
  readonly deprecated: string | null;
  readonly blockCreate: string | null;
  readonly blockUpdate: string | null;
  readonly status: 'deprecated' | 'deprecating';
  /** Aliases that send this version traffic, with the share (1 for the primary version). */
  readonly routedBy: readonly { readonly alias: string; readonly weight: number }[];
  /** The newest supported runtime of the same family, or null when there is none. */
  readonly moveTo: string | null;
}

export interface RuntimeInventory {
  readonly source: typeof runtimeScheduleSource;
  readonly today: string;
  readonly horizonDays: number;
  readonly schedule: readonly Omit<RuntimeDates, 'family'>[];
  readonly functions: readonly RuntimeFinding[];
  /** Runtimes seen that the schedule does not hold (container images have none and are left out). */
  readonly unknownRuntimes: readonly string[];
}

async function everyVersion(lambda: LambdaClient): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let Marker: string | undefined;
  do {
    const page = await lambda.send(
      new ListFunctionsCommand({ FunctionVersion: 'ALL', ...(Marker ? { Marker } : {}) }),
    );
    all.push(...(page.Functions ?? []));
    Marker = page.NextMarker;
  } while (Marker);
  return all;
}

async function routingOf(lambda: LambdaClient, functionName: string) {
  const routes: { alias: string; version: string; weight: number }[] = [];
  let Marker: string | undefined;
  do {
    const page = await lambda.send(
      new ListAliasesCommand({ FunctionName: functionName, ...(Marker ? { Marker } : {}) }),
    );
    for (const alias of page.Aliases ?? []) {
      const extra = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
      const extraShare = extra.reduce((sum, [, w]) => sum + w, 0);
      routes.push({ alias: alias.Name ?? '', version: alias.FunctionVersion ?? '', weight: 1 - extraShare });
      for (const [version, weight] of extra) routes.push({ alias: alias.Name ?? '', version, weight });
    }
    Marker = page.NextMarker;
  } while (Marker);
  return routes;
}

/**
 * Every function and every published version on a runtime deprecated on `today` or within
 * `horizonDays` (`ListFunctions` with `FunctionVersion=ALL`: AWS Health and Trusted Advisor list
 * `$LATEST` only), with the dates, the aliases still routing traffic to it, and where to move.
 */
export async function runtimeInventory(
  lambda: LambdaClient,
  today: string,
  horizonDays: number,
): Promise<RuntimeInventory> {
  const versions = await everyVersion(lambda);
  const unknown = new Set<string>();
  const due = versions.flatMap((config) => {
    const runtime = config.Runtime;
    if (!runtime) return [];
    const dates = datesOf(runtime);
    if (!dates) {
      unknown.add(runtime);
      return [];
    }
    return deprecatedWithin(dates, today, horizonDays) ? [{ config, dates }] : [];
  });
  const routes = new Map<string, Awaited<ReturnType<typeof routingOf>>>();
  for (const name of new Set(due.map((d) => d.config.FunctionName ?? '')))
    routes.set(name, await routingOf(lambda, name));
  const functions = due.map(({ config, dates }): RuntimeFinding => {
    const functionName = config.FunctionName ?? '';
    const version = config.Version ?? '$LATEST';
    return {
      functionName,
      version,
      runtime: dates.runtime,
      deprecated: dates.deprecated,
      blockCreate: dates.blockCreate,
      blockUpdate: dates.blockUpdate,
      status: deprecatedWithin(dates, today, 0) ? 'deprecated' : 'deprecating',
      routedBy: (routes.get(functionName) ?? [])
        .filter((r) => r.version === version && r.weight > 0)
        .map(({ alias, weight }) => ({ alias, weight })),
      moveTo: successorOf(dates.runtime, today) ?? null,
    };
  });
  return {
    source: runtimeScheduleSource,
    today,
    horizonDays,
    schedule: runtimeSchedule.map(({ runtime, deprecated, blockCreate, blockUpdate }) => ({
      runtime,
      deprecated,
      blockCreate,
      blockUpdate,
    })),
    functions,
    unknownRuntimes: [...unknown].sort(),
  };
}
