import { PlatformError } from './errors.js';
import {
  accountIdPattern,
  parseTarget,
  regionPattern,
  targetKey,
  targetKinds,
  targetKindTable,
} from './targets.js';

/** A start people ask for by words: `start <runbook> alarm=<name> | function=… [name=value …] [force=true]`. */
export interface StartWords {
  readonly runbook: string;
  /** What to run it on: what an alarm watches, or a target named outright (its key). */
  readonly on: { readonly alarm: string } | { readonly target: string };
  /**
   * The workload account (and region) a named target is in: `account=<id> [region=<r>]`, or the
   * account and region of a function named by its ARN.
   * @default the platform's own account and region
   */
  readonly where?: { readonly account: string; readonly region?: string };
  readonly parameters: Readonly<Record<string, string>>;
  readonly force: boolean;
}

/** Words that are no start: answered with what is wrong and the usage. */
export class StartUsageError extends PlatformError {
  override readonly name = 'StartUsageError';
}

/** `start` words that name what to run on, and the key prefix of the kind each names. */
const startWords: ReadonlyMap<string, string> = new Map(
  targetKinds.flatMap((kind) => {
    const { startWord, prefix } = targetKindTable[kind];
    return startWord ? [[startWord, prefix] as const] : [];
  }),
);

/** `function=<function>[:<alias>] | queue=<queue> | secret=<name>`: the words, for usage text. */
export const startWordsUsage = targetKinds
  .flatMap((kind) => {
    const { startWord, parts } = targetKindTable[kind];
    return startWord ? [`${startWord}=${parts}`] : [];
  })
  .join(' | ');
/** Parameter values are short printable text. */
const parameterValue = /^[\x21-\x7e]{1,256}$/;

/** A Lambda function ARN, unqualified or with an alias: partition, region, account, name, alias. */
const functionArnPattern = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/;

/**
 * Where a target named by words is: `account=` and `region=`, or a function's ARN (which names
 * both, and then the words may not contradict it). Returns the target's value without the ARN.
 */
function placeOf(
  subject: string,
  value: string,
  params: Map<string, string>,
): { readonly value: string; readonly where?: StartWords['where'] } {
  const account = params.get('account');
  const region = params.get('region');
  params.delete('account');
  params.delete('region');
  if (account !== undefined && !accountIdPattern.test(account))
    throw new StartUsageError(`account=${account.slice(0, 20)}: is not a 12-digit account id`);
  if (region !== undefined && !regionPattern.test(region))
    throw new StartUsageError(`region=${region.slice(0, 30)}: is not a region`);
  if (region !== undefined && account === undefined && !value.startsWith('arn:'))
    throw new StartUsageError('region= goes with account=<id> (or a function ARN)');
  const arn = subject === 'function' ? functionArnPattern.exec(value) : null;
  if (!arn) {
    if (value.startsWith('arn:'))
      throw new StartUsageError(`${subject}=${value.slice(0, 100)}: is not a Lambda function ARN`);
    return account === undefined
      ? { value }
      : { value, where: { account, ...(region === undefined ? {} : { region }) } };
  }
  const [, arnRegion = '', arnAccount = '', name = '', alias] = arn;
  if ((account !== undefined && account !== arnAccount) || (region !== undefined && region !== arnRegion))
    throw new StartUsageError(
      `${subject}=${value.slice(0, 100)} is in ${arnAccount} ${arnRegion}, not where account=/region= say`,
    );
  return {
    value: alias === undefined ? name : `${name}:${alias}`,
    where: { account: arnAccount, region: arnRegion },
  };
}

/**
 * The one grammar of a start, for the CLI (`runbook start`) and Slack (`/runbook start`): the
 * runbook, one of `alarm=` or a target kind's start word (`function=`, `queue=`, `secret=`), the runbook's own `name=value`
 * parameters, and `force=true|false`. Whether the runbook takes those parameters is the runbook's
 * to say (`checkParameters`).
 */
export function parseStartWords(words: readonly string[]): StartWords {
  const [runbook, ...pairs] = words;
  if (!runbook) throw new StartUsageError('start needs a runbook id');
  const params = new Map<string, string>();
  for (const pair of pairs) {
    const match = /^([a-zA-Z]+)=(.+)$/.exec(pair);
    if (!match) throw new StartUsageError(`${JSON.stringify(pair.slice(0, 60))} is not key=value`);
    const [, key = '', value = ''] = match;
    if (params.has(key)) throw new StartUsageError(`${key} is given twice`);
    if (!parameterValue.test(value))
      throw new StartUsageError(`${key} must be printable text of at most 256 characters`);
    params.set(key, value);
  }
  const force = params.get('force') ?? 'false';
  if (force !== 'true' && force !== 'false') throw new StartUsageError('force is true or false');
  params.delete('force');
  const subjects = [...params.keys()].filter((key) => key === 'alarm' || startWords.has(key));
  if (subjects.length !== 1) {
    throw new StartUsageError(`start needs one of alarm=<alarm name> | ${startWordsUsage}`);
  }
  const [subject = ''] = subjects;
  const value = params.get(subject) ?? '';
  params.delete(subject);
  if (subject === 'alarm') {
    if (params.has('account') || params.has('region'))
      throw new StartUsageError('account= and region= go with a named target, not alarm=');
    return { runbook, on: { alarm: value }, parameters: Object.fromEntries(params), force: force === 'true' };
  }
  const { value: named, where } = placeOf(subject, value, params);
  let on: StartWords['on'];
  try {
    on = { target: targetKey(parseTarget(`${startWords.get(subject)}:${named}`)) };
  } catch (error) {
    throw new StartUsageError(`${subject}=${named}: ${(error as Error).message}`);
  }
  return {
    runbook,
    on,
    ...(where ? { where } : {}),
    parameters: Object.fromEntries(params),
    force: force === 'true',
  };
}
