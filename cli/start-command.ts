import { userInfo } from 'node:os';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DispatchOutcome } from '../handlers/dispatcher/launch.js';
import type { StartRequest } from '../handlers/dispatcher/start-request.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { parseSlashCommand, type SlashCommand } from '../slack/slash-command.js';
import { formatPlan } from './dispatch-command.js';

export interface StartOptions {
  /** The deployed dispatcher function (the stack's DispatcherFunctionName output). */
  readonly dispatcher: string | undefined;
  readonly region: string | undefined;
  readonly json: boolean;
}

/**
 * `runbook start <runbook> alarm=<name> | function=<name>[:<alias>] | queue=<name> | secret=<name>
 * [<parameter>=<value> ...] [force=true] --dispatcher <function>`: asks the deployed dispatcher to
 * start a runbook, through the same lease, cool-down and target checks as alarms and Slack. Uses the
 * usual AWS credentials; the caller needs lambda:InvokeFunction on the dispatcher.
 */
export async function startCommand(words: readonly string[], options: StartOptions): Promise<number> {
  const command = parseSlashCommand(['start', ...words].join(' ')) as Extract<
    SlashCommand,
    { kind: 'start' }
  >;
  if (!options.dispatcher) {
    throw new InvalidInputError(
      'start needs --dispatcher <function name or ARN> (the stack output DispatcherFunctionName)',
    );
  }
  const request: StartRequest = {
    startRequest: {
      runbook: command.runbook,
      ...('alarm' in command.on ? { alarm: command.on.alarm } : { target: command.on.target }),
      parameters: { ...command.parameters },
      requestedBy: `cli:${userInfo().username}`,
      force: command.force,
    },
  };
  const lambda = new LambdaClient(options.region ? { region: options.region } : {});
  const answer = await lambda.send(
    new InvokeCommand({ FunctionName: options.dispatcher, Payload: JSON.stringify(request) }),
  );
  const payload: unknown = JSON.parse(
    Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8') || 'null',
  );
  if (answer.FunctionError) {
    const message = (payload as { errorMessage?: string } | null)?.errorMessage ?? answer.FunctionError;
    console.error(`runbook: the dispatcher refused: ${message}`);
    return 2;
  }
  // The dispatcher answers with one outcome per start it considered: a start request is one.
  const [outcome] = payload as DispatchOutcome[];
  if (!outcome) {
    console.error('runbook: the dispatcher answered with no outcome');
    return 2;
  }
  console.log(options.json ? JSON.stringify(outcome, null, 2) : formatPlan(outcome));
  return outcome.action === 'start' ? 0 : 1;
}
