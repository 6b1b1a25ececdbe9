import { userInfo } from 'node:os';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DispatchOutcome } from '../handlers/dispatcher/launch.js';
import type { StartRequest } from '../handlers/dispatcher/start-request.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { parseStartWords } from '../handlers/lib/start-grammar.js';
import { checkParameters, parameterKindsOf } from '../handlers/lib/start-parameters.js';
import { parseTarget } from '../handlers/lib/targets.js';
import { findRunbook } from '../runbooks/index.js';
import { formatOutcome } from './dispatch-command.js';

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
  const command = parseStartWords(words);
  // Refused here, before the dispatcher is asked: the same checks it makes first.
  const runbook = findRunbook(command.runbook);
  checkParameters(runbook.id, parameterKindsOf(runbook.parameters), command.parameters, new Date());
  if ('target' in command.on) {
    const { kind } = parseTarget(command.on.target);
    if (!runbook.targets.includes(kind))
      throw new InvalidInputError(
        `${runbook.id} acts on ${runbook.targets.join(' or ')} targets, not on a ${kind}`,
      );
  } else if (runbook.trigger.metrics.length === 0) {
    throw new InvalidInputError(`${runbook.id} is not started by alarms: name its target instead of alarm=`);
  }
  if (!options.dispatcher) {
    throw new InvalidInputError(
      'start needs --dispatcher <function name or ARN> (the stack output DispatcherFunctionName)',
    );
  }
  const request: StartRequest = {
    startRequest: {
      runbook: command.runbook,
      ...('alarm' in command.on ? { alarm: command.on.alarm } : { target: command.on.target }),
      ...(command.where?.account ? { account: command.where.account } : {}),
      ...(command.where?.region ? { region: command.where.region } : {}),
      parameters: { ...command.parameters },
      requestedBy: `cli:${userInfo().username}`,
      requestedAt: new Date().toISOString(),
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
  console.log(options.json ? JSON.stringify(outcome, null, 2) : formatOutcome(outcome));
  return outcome.action === 'start' ? 0 : 1;
}
