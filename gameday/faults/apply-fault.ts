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
import {
  type DeployFault,
  type FisFault,
  type GameDayFault,
  gameDayTag,
  sandboxTag,
} from './game-day-fault.js';

export class NotASandboxError extends PlatformError {
  override readonly name = 'NotASandboxError';
}

/** A fault could not be put in place (or taken back). */
export class FaultInjectionError extends PlatformError {
  override readonly name = 'FaultInjectionError';
}

/** Waits; clean-up passes a wait that an interruption does not cut short. */
export type Sleep = (ms: number) => Promise<void>;

/**
 * What a fault changed so far, and how to take it back: registered before the first change, so an
 * interruption or a failure halfway through injecting is taken back too.
 */
export interface AppliedFault {
  /** Undoes what was changed; says what it did (or why it left something as it is). */
  readonly undo: (sleep: Sleep) => Promise<string>;
  /** What of the fault is still in place, read back through the APIs: empty once it is gone. */
  readonly leftInPlace: (sleep: Sleep) => Promise<string[]>;
}

export interface FaultDeps {
  readonly clients: { readonly fis: FisClient; readonly lambda: LambdaClient };
  readonly sleep: Sleep;
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

async function waitUntilUpdated(lambda: LambdaClient, sleep: Sleep, functionName: string): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    if (config.LastUpdateStatus === 'Failed')
      throw new FaultInjectionError(`updating ${functionName} failed: ${config.LastUpdateStatusReason}`);
    if (config.LastUpdateStatus !== 'InProgress') return;
    await sleep(5_000);
  }
  throw new FaultInjectionError(`${functionName} is still updating after 5 minutes`);
}

/**
 * Injects a game day's fault through the AWS APIs, so the same code runs against the simulated
 * account and a sandbox: FIS starts the game day's experiment template; a deployment publishes a
 * version with the fault's environment and points the alias at it. Refuses an account without the
 * game-day templates (not a sandbox). `register` receives the undo before anything changes.
 * Returns what was injected.
 */
export async function applyFault(
  gameDay: string,
  fault: GameDayFault,
  deps: FaultDeps,
  register: (applied: AppliedFault) => void,
): Promise<string> {
  const templates = await gameDayTemplates(deps.clients.fis);
  if (templates.size === 0)
    throw new NotASandboxError(
      `no experiment template tagged ${sandboxTag}=true: this account is not a game-day sandbox`,
    );
  if (fault.kind === 'fis') {
    const templateId = templates.get(gameDay);
    if (!templateId)
      throw new NotASandboxError(`no experiment template for game day ${gameDay} in this sandbox`);
    return startExperiment(deps.clients.fis, templateId, gameDay, fault, register);
  }
  return deploy(deps, fault, register);
}

/** FIS is still acting (or about to) in these states. */
const activeStates = ['pending', 'initiating', 'running', 'stopping'];

async function startExperiment(
  fis: FisClient,
  templateId: string,
  gameDay: string,
  fault: FisFault,
  register: (applied: AppliedFault) => void,
): Promise<string> {
  let id: string | undefined;
  const statusOf = async (experimentId: string) =>
    (await fis.send(new GetExperimentCommand({ id: experimentId }))).experiment?.state;
  register({
    undo: async () => {
      if (!id) return 'no experiment was started';
      const state = await statusOf(id);
      if (state?.status === 'stopping') return `experiment ${id} was already stopping`;
      if (!activeStates.includes(state?.status ?? ''))
        return `experiment ${id} had already ended (${state?.status}: ${state?.reason ?? 'no reason given'})`;
      const stopped = await fis.send(new StopExperimentCommand({ id })).catch((e: Error) => e);
      return stopped instanceof Error
        ? `experiment ${id} could not be stopped (${stopped.name}): stop it in the FIS console`
        : `experiment ${id} stopped`;
    },
    // FIS takes a moment from `stopping` to `stopped` (its actions roll back in between).
    leftInPlace: async (sleep) => {
      if (!id) return [];
      for (let i = 0; i < 24; i += 1) {
        const status = (await statusOf(id))?.status ?? 'unknown';
        if (!activeStates.includes(status)) return [];
        if (status !== 'stopping') return [`experiment ${id} is still ${status}`];
        await sleep(5_000);
      }
      return [`experiment ${id} is still stopping after 2 minutes`];
    },
  });
  const { experiment } = await fis.send(
    new StartExperimentCommand({ experimentTemplateId: templateId, tags: { [gameDayTag]: gameDay } }),
  );
  id = experiment?.id;
  return `FIS experiment ${id} (${fault.actionId} on ${fault.functionName}): ${fault.description}`;
}

async function deploy(
  deps: FaultDeps,
  fault: DeployFault,
  register: (applied: AppliedFault) => void,
): Promise<string> {
  const { lambda } = deps.clients;
  const { functionName: FunctionName, alias: Name } = fault;
  const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName }));
  const previousEnv = { ...(before.Environment?.Variables ?? {}) };
  const alias = await lambda.send(new GetAliasCommand({ FunctionName, Name }));
  const done: { environment: boolean; deployed?: { version: string; revisionId: string | undefined } } = {
    environment: false,
  };
  register({
    undo: async (sleep) => {
      const notes: string[] = [];
      if (done.deployed) {
        const now = await lambda.send(new GetAliasCommand({ FunctionName, Name }));
        if (now.RevisionId === done.deployed.revisionId) {
          await lambda.send(
            new UpdateAliasCommand({
              FunctionName,
              Name,
              FunctionVersion: alias.FunctionVersion,
              RoutingConfig: {
                AdditionalVersionWeights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
              },
              RevisionId: now.RevisionId,
            }),
          );
          notes.push(`${Name} back on version ${alias.FunctionVersion}`);
        } else {
          notes.push(`${Name} changed since the fault (now version ${now.FunctionVersion}): left as it is`);
        }
      }
      if (done.environment) {
        await waitUntilUpdated(lambda, sleep, FunctionName);
        await lambda.send(
          new UpdateFunctionConfigurationCommand({ FunctionName, Environment: { Variables: previousEnv } }),
        );
        notes.push(`${FunctionName} environment restored`);
      }
      return notes.join('; ') || 'nothing had been changed yet';
    },
    leftInPlace: async () => {
      const left: string[] = [];
      const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName }));
      const variables = latest.Environment?.Variables ?? {};
      for (const [key, value] of Object.entries(fault.environment))
        if (variables[key] === value && previousEnv[key] !== value)
          left.push(`${FunctionName} still has ${key}=${value}`);
      if (done.deployed) {
        const now = await lambda.send(new GetAliasCommand({ FunctionName, Name }));
        const faulty = done.deployed.version;
        if (now.FunctionVersion === faulty || now.RoutingConfig?.AdditionalVersionWeights?.[faulty])
          left.push(`${Name} still routes to the faulty version ${faulty}`);
      }
      return left;
    },
  });
  // Marked before the call: restoring the previous environment is harmless if the call never landed.
  done.environment = true;
  await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName,
      Environment: { Variables: { ...previousEnv, ...fault.environment } },
    }),
  );
  await waitUntilUpdated(lambda, deps.sleep, FunctionName);
  const published = await lambda.send(new PublishVersionCommand({ FunctionName }));
  const version = published.Version ?? '';
  const deployed = await lambda.send(
    new UpdateAliasCommand({
      FunctionName,
      Name,
      FunctionVersion: version,
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: alias.RevisionId,
    }),
  );
  done.deployed = { version, revisionId: deployed.RevisionId };
  return `deployed ${FunctionName} version ${version} to ${Name}: ${fault.description}`;
}
