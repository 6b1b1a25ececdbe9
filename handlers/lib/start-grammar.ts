import { PlatformError } from './errors.js';
import { parseTarget, targetKey, targetKinds, targetKindTable } from './targets.js';

/** A start people ask for by words: `start <runbook> alarm=<name> | function=… [name=value …] [force=true]`. */
export interface StartWords {
  readonly runbook: string;
  /** What to run it on: what an alarm watches, or a target named outright (its key). */
  readonly on: { readonly alarm: string } | { readonly target: string };
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
  let on: StartWords['on'];
  if (subject === 'alarm') on = { alarm: value };
  else {
    try {
      on = { target: targetKey(parseTarget(`${startWords.get(subject)}:${value}`)) };
    } catch (error) {
      throw new StartUsageError(`${subject}=${value}: ${(error as Error).message}`);
    }
  }
  return { runbook, on, parameters: Object.fromEntries(params), force: force === 'true' };
}
