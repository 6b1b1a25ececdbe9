import { DescribeExecutionCommand, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { executionArnOf } from '../handlers/dispatcher/dispatcher-config.js';
import type { DispatchOutcome } from '../handlers/dispatcher/launch.js';
import { startManually } from '../handlers/dispatcher/manual-start.js';
import { ChangeBudget } from '../handlers/lib/change-budget.js';
import { InvalidInputError, PlatformError } from '../handlers/lib/errors.js';
import {
  parseStartWords,
  StartUsageError,
  type StartWords,
  startWordsUsage,
} from '../handlers/lib/start-grammar.js';
import { parameterProblems } from '../handlers/lib/start-parameters.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import { parseTarget } from '../handlers/lib/targets.js';
import type { CatalogueEntry } from '../runbooks/deployment.js';
import { mayResume, mayStart } from './access-policy.js';
import type { ChatMessage } from './chat.js';
import { md, requester } from './mrkdwn.js';
import type { SlackDeps } from './slack-deps.js';

/** What starting and looking up runbooks from Slack needs: the dispatcher's clients and configuration. */
export type CommandDeps = Pick<SlackDeps, 'clients' | 'now' | 'policy' | 'metrics' | 'dispatcher'>;

/** What `/runbook <text>` asks for. */
export type SlashCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'list' }
  | ({ readonly kind: 'start' } & StartWords)
  | { readonly kind: 'status'; readonly execution: string }
  | { readonly kind: 'resume' };

/** Commands answered from the request alone; the rest call AWS and answer through `response_url`. */
export type ImmediateCommand = Extract<SlashCommand, { kind: 'help' | 'list' }>;
export type DeferredCommand = Exclude<SlashCommand, ImmediateCommand>;

/** A command people mistyped: answered with what is wrong and the usage. */
export class SlashCommandUsageError extends PlatformError {
  override readonly name = 'SlashCommandUsageError';
}

const usage = [
  '`/runbook list`: the runbooks and when they ask for approval',
  '`/runbook start <runbook> alarm=<alarm name> [force=true]`: run a runbook on what the alarm watches (`force` skips the cool-down)',
  `\`/runbook start <runbook> ${startWordsUsage} [account=<id> [region=<r>]] [<parameter>=<value> ...] [force=true]\`: run it on a resource you name, in a registered workload account if you say which (or name the function by its ARN)`,
  '`/runbook status <execution name or ARN>`: how a run is going',
  '`/runbook resume`: resume automatic remediation the circuit breaker paused (approvers only)',
  '`/runbook help`: this text',
].join('\n');

/** Parses the text after `/runbook`. */
export function parseSlashCommand(text: string): SlashCommand {
  const [verb = 'help', ...args] = text.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case 'help':
      return { kind: 'help' };
    case 'list':
      return { kind: 'list' };
    case 'resume':
      if (args.length !== 0) throw new SlashCommandUsageError('resume takes nothing more');
      return { kind: 'resume' };
    case 'status': {
      if (args.length !== 1) throw new SlashCommandUsageError('status takes one execution name or ARN');
      return { kind: 'status', execution: args[0] as string };
    }
    case 'start':
      try {
        return { kind: 'start', ...parseStartWords(args) };
      } catch (error) {
        if (error instanceof StartUsageError) throw new SlashCommandUsageError(error.message);
        throw error;
      }
    default:
      throw new SlashCommandUsageError(`unknown command "${verb}"`);
  }
}

export function usageMessage(problem?: string): ChatMessage {
  return { text: `${problem ? md`${problem}.\n` : ''}${usage}` };
}

/** `help` and `list`: no AWS call, so they are answered within Slack's three seconds. */
export function answerNow(
  command: ImmediateCommand,
  deps: { readonly environment: Environment; readonly catalogue: readonly CatalogueEntry[] },
): ChatMessage {
  if (command.kind === 'help') return usageMessage();
  const lines = deps.catalogue.map(
    (r) => md`• \`${r.id}\`: ${r.title}; approval in ${deps.environment}: ${r.approval[deps.environment]}`,
  );
  return { text: `${md`Runbooks in ${deps.environment}:`}\n${lines.join('\n')}` };
}

/**
 * Why a start cannot go ahead, from the catalogue alone (so the refusal is the first answer), or
 * undefined: the runbook must exist (an own key, never `__proto__`), take the parameters given and
 * act on the kind of target named.
 */
export function startProblem(
  command: Extract<SlashCommand, { kind: 'start' }>,
  catalogue: readonly CatalogueEntry[],
  now: Date,
): string | undefined {
  const entry = catalogue.find((r) => r.id === command.runbook);
  if (!entry) return `unknown runbook ${command.runbook}; known: ${catalogue.map((r) => r.id).join(', ')}`;
  const problems = parameterProblems(entry.id, entry.parameters, command.parameters, now);
  if (problems.length) return problems.join('; ');
  if ('target' in command.on) {
    const { kind } = parseTarget(command.on.target);
    if (!entry.targets.includes(kind))
      return `${entry.id} acts on ${entry.targets.join(' or ')} targets, not on a ${kind}`;
  }
  return undefined;
}

function startAnswer(outcome: DispatchOutcome): ChatMessage {
  if (outcome.action === 'ignore') return { text: md`Nothing started: ${outcome.reason}` };
  return {
    text: md`Started \`${outcome.runbook}\` on \`${outcome.target}\` as \`${outcome.executionName}\`. Follow it with \`/runbook status ${outcome.executionName}\`.`,
  };
}

async function describe(execution: string, deps: CommandDeps) {
  const candidates = execution.startsWith('arn:')
    ? [execution]
    : Object.values(deps.dispatcher.runbooks).map((r) => executionArnOf(r, execution));
  for (const executionArn of candidates) {
    try {
      return await deps.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }
  return undefined;
}

function parsedJson(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function statusAnswer(execution: string, deps: CommandDeps): Promise<ChatMessage> {
  const described = await describe(execution, deps);
  if (!described) return { text: md`No execution named \`${execution}\` in this environment.` };
  const dispatch = parsedJson(described.input).dispatch as Record<string, unknown> | undefined;
  const report = parsedJson(described.output);
  const lines = [
    md`\`${described.name}\`: *${described.status}*`,
    md`Runbook \`${String(dispatch?.runbook ?? described.stateMachineArn?.split(':').pop())}\` on \`${String(dispatch?.target ?? 'unknown target')}\`${dispatch?.account ? ` in account ${String(dispatch.account)} (${String(dispatch.region)})` : ''}, started by ${requester(String(dispatch?.requestedBy ?? 'unknown'))} at ${described.startDate?.toISOString()}`,
    ...(described.stopDate ? [md`Ended at ${described.stopDate.toISOString()}`] : []),
    ...(typeof report.summary === 'string' ? [md`Report: ${report.summary}`] : []),
  ];
  return { text: lines.join('\n') };
}

/** Resumes automatic remediation on behalf of an approver, kept with who and when. */
async function resumeAnswer(user: string, deps: CommandDeps): Promise<ChatMessage> {
  const permission = mayResume(deps.policy, user);
  if (!permission.allowed) return { text: md`Not resumed: ${permission.reason}.` };
  const budget = new ChangeBudget(deps.clients.dynamodb, deps.dispatcher.leaseTable);
  const before = await budget.breaker();
  await budget.resume(`slack:${user}`, deps.now());
  return {
    text: before.paused
      ? md`Automatic remediation resumed by ${requester(`slack:${user}`)}; it was paused since ${before.pausedAt ?? '?'}: ${before.reason ?? ''}`
      : md`Automatic remediation was not paused; the failures counted so far are cleared.`,
  };
}

/**
 * `start`, `status` and `resume`, on behalf of a Slack user; the answer goes back through
 * `response_url`. A start is named after when Slack's request came, so a retried hand-off
 * names the same run.
 */
export async function answerLater(
  command: DeferredCommand,
  user: string,
  deps: CommandDeps,
  requestedAt: Date,
): Promise<ChatMessage> {
  if (command.kind === 'status') return statusAnswer(command.execution, deps);
  if (command.kind === 'resume') return resumeAnswer(user, deps);
  const permission = mayStart(deps.policy, user, command.runbook);
  if (!permission.allowed) return { text: md`Not started: ${permission.reason}.` };
  try {
    const request = {
      runbook: command.runbook,
      requestedBy: `slack:${user}`,
      force: command.force,
      ...(Number.isNaN(requestedAt.getTime()) ? {} : { requestedAt }),
    };
    const outcome = await startManually(
      'alarm' in command.on
        ? { ...request, alarmName: command.on.alarm }
        : {
            ...request,
            target: parseTarget(command.on.target),
            parameters: command.parameters,
            ...(command.where ? { where: command.where } : {}),
          },
      { clients: deps.clients, now: deps.now, metrics: deps.metrics, config: deps.dispatcher },
    );
    return startAnswer(outcome);
  } catch (error) {
    if (error instanceof InvalidInputError) return { text: md`Not started: ${error.message}.` };
    throw error;
  }
}
