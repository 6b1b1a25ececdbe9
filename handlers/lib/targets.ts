import { InvalidInputError } from './errors.js';

/** The kinds of resource a runbook can act on. */
export const targetKinds = ['function', 'api', 'queue', 'account', 'secret'] as const;
export type TargetKind = (typeof targetKinds)[number];

/** A resource a runbook acts on, parsed into its kind and checked against AWS's naming rules. */
export type Target =
  | { readonly kind: 'function'; readonly functionName: string; readonly alias?: string }
  | { readonly kind: 'api'; readonly apiName: string }
  | { readonly kind: 'queue'; readonly queueName: string }
  | { readonly kind: 'account'; readonly accountId: string; readonly region: string }
  | { readonly kind: 'secret'; readonly secretName: string };

// AWS's rules: function names 1–64 of letters, digits, - and _; aliases 1–128 of letters, digits,
// - and _, not only digits (those are versions); queue names 1–80 of letters, digits, - and _, with
// .fifo for FIFO queues; secret names 1–512 of letters, digits and /_+=.@-; REST API names are free
// text, kept here to printable characters without the separators these keys use.
const functionName = /^[A-Za-z0-9_-]{1,64}$/;
const aliasName = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const queueName = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const apiName = /^[A-Za-z0-9 _.-]{1,128}$/;
const accountId = /^\d{12}$/;
const region = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const secretName = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A value quoted for an error message, cut short: a hostile tag or request can be any length. */
const quoted = (value: string) => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);

/** Why `text` is not a target, or undefined when it is one. */
function problem(kind: string, rest: string[]): string | undefined {
  const [first = '', second, ...extra] = rest;
  switch (kind) {
    case 'lambda':
      if (!functionName.test(first)) return `${quoted(first)} is not a Lambda function name`;
      if (second !== undefined && !aliasName.test(second))
        return `${quoted(second)} is not a Lambda alias name`;
      return extra.length ? 'a function target is lambda:<function>[:<alias>]' : undefined;
    case 'apigateway':
      return rest.length === 1 && apiName.test(first)
        ? undefined
        : `${quoted(rest.join(':'))} is not a REST API name`;
    case 'sqs':
      return rest.length === 1 && queueName.test(first)
        ? undefined
        : `${quoted(rest.join(':'))} is not an SQS queue name`;
    case 'account':
      if (!accountId.test(first)) return `${quoted(first)} is not a 12-digit account id`;
      return second !== undefined && region.test(second) && !extra.length
        ? undefined
        : `${quoted(second ?? '')} is not a region`;
    case 'secret':
      return rest.length === 1 && secretName.test(first)
        ? undefined
        : `${quoted(rest.join(':'))} is not a secret name`;
    default:
      return `unknown target kind ${quoted(kind)} (lambda:, apigateway:, sqs:, account:, secret:)`;
  }
}

/**
 * Parses a target key: `lambda:<function>[:<alias>]`, `apigateway:<api name>`, `sqs:<queue>`,
 * `account:<account id>:<region>`, `secret:<name>`. Anything else, whatever tag or request it came
 * from, is refused with the reason.
 */
export function parseTarget(text: string): Target {
  const [kind = '', ...rest] = text.split(':');
  const wrong = problem(kind, rest);
  if (wrong) throw new InvalidInputError(`not a target: ${wrong}`);
  const [first = '', second] = rest;
  switch (kind) {
    case 'lambda':
      return second === undefined
        ? { kind: 'function', functionName: first }
        : { kind: 'function', functionName: first, alias: second };
    case 'apigateway':
      return { kind: 'api', apiName: first };
    case 'sqs':
      return { kind: 'queue', queueName: first };
    case 'account':
      return { kind: 'account', accountId: first, region: second ?? '' };
    default:
      return { kind: 'secret', secretName: first };
  }
}

/** The key of a target: what leases lock and what `parseTarget` reads back. */
export function targetKey(target: Target): string {
  switch (target.kind) {
    case 'function':
      return target.alias ? `lambda:${target.functionName}:${target.alias}` : `lambda:${target.functionName}`;
    case 'api':
      return `apigateway:${target.apiName}`;
    case 'queue':
      return `sqs:${target.queueName}`;
    case 'account':
      return `account:${target.accountId}:${target.region}`;
    case 'secret':
      return `secret:${target.secretName}`;
  }
}
