import { InvalidInputError } from './errors.js';

/** A resource a runbook acts on, parsed into its kind and checked against AWS's naming rules. */
export type Target =
  | { readonly kind: 'function'; readonly functionName: string; readonly alias?: string }
  | { readonly kind: 'api'; readonly apiName: string }
  | { readonly kind: 'queue'; readonly queueName: string }
  | { readonly kind: 'account'; readonly accountId: string; readonly region: string }
  | { readonly kind: 'secret'; readonly secretName: string };

/** The kinds of resource a runbook can act on. */
export type TargetKind = Target['kind'];

type TargetOf<K extends TargetKind> = Extract<Target, { readonly kind: K }>;

/**
 * One kind of target, everything the platform knows of it in one place: how its key reads
 * (`<prefix>:<parts>`) and is checked, the word people name it by in `start`, the alarm dimension
 * that names it, and the resource a lock on it covers.
 */
interface TargetKindSpec<K extends TargetKind> {
  /** The key's prefix: `lambda` in `lambda:orders-api`. */
  readonly prefix: string;
  /** The key after its prefix, in words, for errors and usage. */
  readonly parts: string;
  /**
   * The word a person starts a runbook on it with (`function=orders-api`).
   * @default none: named by an alarm or by its key only
   */
  readonly startWord?: string;
  /**
   * The CloudWatch dimension naming it in an alarm's metric.
   * @default none: alarms do not name it
   */
  readonly dimension?: string;
  /** The target its key's parts name, or why they name none. */
  parse(parts: readonly string[]): TargetOf<K> | string;
  /** Its key's parts. */
  keyParts(target: TargetOf<K>): readonly string[];
  /**
   * The resource a lock on it covers (a function's aliases and versions are the function).
   * @default the target itself
   */
  resource?(target: TargetOf<K>): TargetOf<K>;
}

// AWS's rules: function names 1–64 of letters, digits, - and _; aliases 1–128 of letters, digits,
// - and _, not only digits (those are versions); queue names 1–80 of letters, digits, - and _, with
// .fifo for FIFO queues; secret names 1–512 of letters, digits and /_+=.@-; REST API names are free
// text, kept here to printable characters without the separators these keys use.
const functionName = /^[A-Za-z0-9_-]{1,64}$/;
const aliasName = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const queueName = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const apiName = /^[A-Za-z0-9 _.-]{1,128}$/;
/** An AWS account id. */
export const accountIdPattern = /^\d{12}$/;
/** An AWS region code (commercial, GovCloud and ISO partitions). */
export const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const secretName = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A value quoted for an error message, cut short: a hostile tag or request can be any length. */
const quoted = (value: string) => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);

/** A kind whose key has one part, a name. */
function named<K extends 'api' | 'queue' | 'secret'>(
  rule: RegExp,
  what: string,
  build: (name: string) => TargetOf<K>,
): Pick<TargetKindSpec<K>, 'parse'> {
  return {
    parse: (parts) => {
      const [name = ''] = parts;
      return parts.length === 1 && rule.test(name)
        ? build(name)
        : `${quoted(parts.join(':'))} is not ${what}`;
    },
  };
}

/** Every kind of target, in the order people see them. */
export const targetKindTable: { readonly [K in TargetKind]: TargetKindSpec<K> } = {
  function: {
    prefix: 'lambda',
    parts: '<function>[:<alias>]',
    startWord: 'function',
    dimension: 'FunctionName',
    parse: ([name = '', alias, ...extra]) => {
      if (!functionName.test(name)) return `${quoted(name)} is not a Lambda function name`;
      if (alias !== undefined && !aliasName.test(alias)) return `${quoted(alias)} is not a Lambda alias name`;
      if (extra.length) return 'a function target is lambda:<function>[:<alias>]';
      return alias === undefined
        ? { kind: 'function', functionName: name }
        : { kind: 'function', functionName: name, alias };
    },
    keyParts: (t) => (t.alias ? [t.functionName, t.alias] : [t.functionName]),
    resource: (t) => ({ kind: 'function', functionName: t.functionName }),
  },
  api: {
    prefix: 'apigateway',
    parts: '<api name>',
    dimension: 'ApiName',
    ...named<'api'>(apiName, 'a REST API name', (name) => ({ kind: 'api', apiName: name })),
    keyParts: (t) => [t.apiName],
  },
  queue: {
    prefix: 'sqs',
    parts: '<queue>',
    startWord: 'queue',
    dimension: 'QueueName',
    ...named<'queue'>(queueName, 'an SQS queue name', (name) => ({ kind: 'queue', queueName: name })),
    keyParts: (t) => [t.queueName],
  },
  account: {
    prefix: 'account',
    parts: '<account id>:<region>',
    parse: ([id = '', where, ...extra]) => {
      if (!accountIdPattern.test(id)) return `${quoted(id)} is not a 12-digit account id`;
      return where !== undefined && regionPattern.test(where) && !extra.length
        ? { kind: 'account', accountId: id, region: where }
        : `${quoted(where ?? '')} is not a region`;
    },
    keyParts: (t) => [t.accountId, t.region],
  },
  secret: {
    prefix: 'secret',
    parts: '<name>',
    startWord: 'secret',
    ...named<'secret'>(secretName, 'a secret name', (name) => ({ kind: 'secret', secretName: name })),
    keyParts: (t) => [t.secretName],
  },
};

/** The kinds of target, in the table's order. */
export const targetKinds = Object.keys(targetKindTable) as [TargetKind, ...TargetKind[]];

/** A kind's entry, typed as one for any target of it. */
const specOf = <K extends TargetKind>(kind: K) =>
  targetKindTable[kind] as unknown as TargetKindSpec<TargetKind>;

/** Kinds by key prefix: prefixes come from tags and requests, so only own keys count. */
const byPrefix: ReadonlyMap<string, TargetKind> = new Map(
  targetKinds.map((k) => [targetKindTable[k].prefix, k]),
);

/**
 * Parses a target key: `lambda:<function>[:<alias>]`, `apigateway:<api name>`, `sqs:<queue>`,
 * `account:<account id>:<region>`, `secret:<name>`. Anything else, whatever tag or request it came
 * from, is refused with the reason.
 */
export function parseTarget(text: string): Target {
  const [prefix = '', ...parts] = text.split(':');
  const kind = byPrefix.get(prefix);
  const parsed = kind
    ? specOf(kind).parse(parts)
    : `unknown target kind ${quoted(prefix)} (${[...byPrefix.keys()].map((p) => `${p}:`).join(', ')})`;
  if (typeof parsed === 'string') throw new InvalidInputError(`not a target: ${parsed}`);
  return parsed;
}

/** The key of a target: what leases lock and what `parseTarget` reads back. */
export function targetKey(target: Target): string {
  const spec = specOf(target.kind);
  return [spec.prefix, ...spec.keyParts(target)].join(':');
}

/** The resource a lock on the target covers: a function's aliases and versions are the function. */
export function lockedResource(target: Target): Target {
  return specOf(target.kind).resource?.(target) ?? target;
}
