import { datesOf, deprecatedWithin, runtimeSchedule } from '../runtime-upgrade/runtime-schedule.js';
import { InvalidInputError } from './errors.js';
import { environmentKeyProblem } from './lambda-environment.js';
import { parseTarget } from './targets.js';

/**
 * The kinds of value a person may give a runbook when starting it (`name=value`): one grammar for
 * the CLI, Slack and the dispatcher, so a value one refuses none accepts.
 */
export const parameterKinds = ['runtime', 'environment', 'function-aliases', 'replay-rate'] as const;
export type ParameterKind = (typeof parameterKinds)[number];

/** A parameter a runbook takes: what it means, and the kind of value it is. */
export interface ParameterSpec {
  readonly description: string;
  readonly kind: ParameterKind;
}

const quoted = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

/** Why a value is not of its kind, or undefined when it is. `today` is YYYY-MM-DD. */
function valueProblem(kind: ParameterKind, value: string, today: string): string | undefined {
  switch (kind) {
    case 'runtime': {
      const dates = datesOf(value);
      const supported = () =>
        runtimeSchedule
          .filter((r) => !deprecatedWithin(r, today, 0))
          .map((r) => r.runtime)
          .join(', ');
      if (!dates) return `${quoted(value)} is not a supported Lambda runtime; supported: ${supported()}`;
      if (deprecatedWithin(dates, today, 0))
        return `${value} is deprecated since ${dates.deprecated}; supported: ${supported()}`;
      return undefined;
    }
    case 'environment': {
      const problems = value.split(',').map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) return `${quoted(pair)} is not KEY=VALUE`;
        return environmentKeyProblem(pair.slice(0, at));
      });
      const keys = value.split(',').map((pair) => pair.slice(0, pair.indexOf('=')));
      const twice = keys.find((key, i) => keys.indexOf(key) !== i);
      return (
        [...problems, twice ? `${twice} is given twice` : undefined].filter(Boolean).join('; ') || undefined
      );
    }
    case 'replay-rate':
      // SQS's move task takes 1 to 500 messages a second (StartMessageMoveTask MaxNumberOfMessagesPerSecond).
      return /^[1-9]\d{0,2}$/.test(value) && Number(value) <= 500
        ? undefined
        : `${quoted(value)} is not a whole number of messages a second from 1 to 500`;
    case 'function-aliases': {
      const problems = value.split(',').map((alias) => {
        try {
          const target = parseTarget(`lambda:${alias}`);
          return target.kind === 'function' && target.alias
            ? undefined
            : `${quoted(alias)} is not function:alias`;
        } catch (error) {
          return (error as Error).message;
        }
      });
      return problems.filter(Boolean).join('; ') || undefined;
    }
  }
}

/**
 * Every problem with the parameters given to a runbook: parameters it does not take (with those it
 * does), and values that are not of their kind (with what was found and what is allowed).
 */
export function parameterProblems(
  runbook: string,
  specs: Readonly<Record<string, ParameterKind>>,
  given: Readonly<Record<string, string>>,
  now: Date,
): string[] {
  const today = now.toISOString().slice(0, 10);
  const known = Object.keys(specs);
  return Object.entries(given).flatMap(([name, value]) => {
    if (!Object.hasOwn(specs, name)) {
      return [
        `${runbook} takes ${known.length ? `the parameters ${known.join(', ')}` : 'no parameters'}, not ${quoted(name)}`,
      ];
    }
    const problem = valueProblem(specs[name] as ParameterKind, value, today);
    return problem ? [`${name}: ${problem}`] : [];
  });
}

/** Refuses parameters a runbook does not take or values it cannot use, naming each. */
export function checkParameters(
  runbook: string,
  specs: Readonly<Record<string, ParameterKind>>,
  given: Readonly<Record<string, string>>,
  now: Date,
): void {
  const problems = parameterProblems(runbook, specs, given, now);
  if (problems.length) throw new InvalidInputError(problems.join('; '));
}

/** The kinds of a runbook's parameters, as deployments and the Slack catalogue carry them. */
export function parameterKindsOf(
  specs: Readonly<Record<string, ParameterSpec>> | undefined,
): Record<string, ParameterKind> {
  return Object.fromEntries(Object.entries(specs ?? {}).map(([name, spec]) => [name, spec.kind]));
}
