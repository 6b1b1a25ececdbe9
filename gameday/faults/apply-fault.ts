import {
  type FisClient,
  GetExperimentCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { PlatformError } from '../../handlers/lib/errors.js';
import { type GameDayFault, gameDayTag, sandboxTag } from './game-day-fault.js';

export class NotASandboxError extends PlatformError {
  override readonly name = 'NotASandboxError';
}

/** A fault could not be put in place (or taken back). */
export class FaultInjectionError extends PlatformError {
  override readonly name = 'FaultInjectionError';
}

/** What the fault changed, and how to take it back: run by the driver whatever happens. */
export interface AppliedFault {
  readonly description: string;
  /** Undoes the fault; says what it did (or why it left something as it is). */
  readonly undo: () => Promise<string>;
}

export interface FaultDeps {
  readonly clients: { readonly fis: FisClient; readonly lambda: LambdaClient };
  readonly sleep: (ms: number) => Promise<void>;
}

/** The game-day templates in the account: only a sandbox (with the game-day stack) has them. */
export async function gameDayTemplates(fis: FisClient): Promise<Map<string, string>> {
  const byGameDay = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await fis.send(new ListExperimentTemplatesCommand({ ...(nextToken ? { nextToken } : {}) }));
    for (const t of page.experimentTemplates ?? [])
      if (t.tags?.[sandboxTag] === 'true' && t.tags[gameDayTag] && t.id)
        byGameDay.set(t.tags[gameDayTag], t.id);
    nextToken = page.nextToken;
  } while (nextToken);
  return byGameDay;
}

async function waitUntilUpdated(deps: FaultDeps, functionName: string): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    const config = await deps.clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName }),
    );
    if (config.LastUpdateStatus === 'Failed')
      throw new FaultInjectionError(`updating ${functionName} failed: ${config.LastUpdateStatusReason}`);
    if (config.LastUpdateStatus !== 'InProgress') return;
    await deps.sleep(5_000);
  }
  throw new FaultInjectionError(`${functionName} is still updating after 5 minutes`);
}

/**
 * Injects a game day's fault through the AWS APIs, so the same code runs against the simulated
 * account and a sandbox: FIS starts the game day's experiment template; a deployment publishes a
 * version with the fault's environment and points the alias at it. Refuses an account without the
 * game-day templates (not a sandbox).
 */
export async function applyFault(
  gameDay: string,
  fault: GameDayFault,
  deps: FaultDeps,
): Promise<AppliedFault> {
  const templates = await gameDayTemplates(deps.clients.fis);
  if (templates.size === 0)
    throw new NotASandboxError(
      `no experiment template tagged ${sandboxTag}=true: this account is not a game-day sandbox`,
    );
  if (fault.kind === 'fis') {
    const templateId = templates.get(gameDay);
    if (!templateId)
      throw new NotASandboxError(`no experiment template for game day ${gameDay} in this sandbox`);
    const { experiment } = await deps.clients.fis.send(
      new StartExperimentCommand({ experimentTemplateId: templateId, tags: { [gameDayTag]: gameDay } }),
    );
    const id = experiment?.id ?? '';
    return {
      description: `FIS experiment ${id} (${fault.actionId} on ${fault.functionName}): ${fault.description}`,
      undo: async () => {
        const now = await deps.clients.fis.send(new GetExperimentCommand({ id }));
        const status = now.experiment?.state?.status ?? 'unknown';
        if (!['pending', 'initiating', 'running'].includes(status))
          return `experiment ${id} had already ended (${status}: ${now.experiment?.state?.reason ?? 'no reason given'})`;
        const stopped = await deps.clients.fis.send(new StopExperimentCommand({ id })).catch((e: Error) => e);
        return stopped instanceof Error
          ? `experiment ${id} could not be stopped (${stopped.name}): stop it in the FIS console`
          : `experiment ${id} stopped`;
      },
    };
  }
  const lambda = deps.clients.lambda;
  const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fault.functionName }));
  const previousEnv = { ...(before.Environment?.Variables ?? {}) };
  const alias = await lambda.send(
    new GetAliasCommand({ FunctionName: fault.functionName, Name: fault.alias }),
  );
  await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: fault.functionName,
      Environment: { Variables: { ...previousEnv, ...fault.environment } },
    }),
  );
  await waitUntilUpdated(deps, fault.functionName);
  const published = await lambda.send(new PublishVersionCommand({ FunctionName: fault.functionName }));
  const deployed = await lambda.send(
    new UpdateAliasCommand({
      FunctionName: fault.functionName,
      Name: fault.alias,
      FunctionVersion: published.Version,
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: alias.RevisionId,
    }),
  );
  return {
    description: `deployed ${fault.functionName} version ${published.Version} to ${fault.alias}: ${fault.description}`,
    undo: async () => {
      const notes: string[] = [];
      const now = await lambda.send(
        new GetAliasCommand({ FunctionName: fault.functionName, Name: fault.alias }),
      );
      if (now.RevisionId === deployed.RevisionId) {
        await lambda.send(
          new UpdateAliasCommand({
            FunctionName: fault.functionName,
            Name: fault.alias,
            FunctionVersion: alias.FunctionVersion,
            RoutingConfig: {
              AdditionalVersionWeights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
            },
            RevisionId: now.RevisionId,
          }),
        );
        notes.push(`${fault.alias} back on version ${alias.FunctionVersion}`);
      } else {
        notes.push(
          `${fault.alias} changed since the fault (now version ${now.FunctionVersion}): left as it is`,
        );
      }
      await waitUntilUpdated(deps, fault.functionName);
      await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: fault.functionName,
          Environment: { Variables: previousEnv },
        }),
      );
      notes.push(`${fault.functionName} environment restored`);
      return notes.join('; ');
    },
  };
}
