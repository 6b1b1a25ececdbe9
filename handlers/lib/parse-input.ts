import type * as z from 'zod/mini';
import { InvalidInputError } from './errors.js';

/** Fields whose values never appear in an error message, whatever they hold. */
const confidential = /token|secret|password|credential/i;

/** What was found at a path of the input, for an error message: cut short, never a confidential field. */
function foundAt(input: unknown, path: readonly PropertyKey[]): string {
  if (path.some((part) => confidential.test(String(part)))) return 'a value not shown';
  let value: unknown = input;
  for (const part of path) {
    value =
      value !== null && typeof value === 'object' && Object.hasOwn(value, part)
        ? (value as Record<PropertyKey, unknown>)[part]
        : undefined;
  }
  if (value === undefined) return 'nothing';
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
}

/**
 * Every problem zod found, each with the path of the field it concerns, what was found there and
 * what is allowed (zod's message), e.g. `runtime: Invalid option: expected one of … (found "nodejs99.x")`.
 */
export function problemsOf(error: z.core.$ZodError, input: unknown, root = '(input)'): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.map(String).join('.') || root;
      return issue.code === 'unrecognized_keys'
        ? `${where}: unknown field(s) ${issue.keys.join(', ')}`
        : `${where}: ${issue.message} (found ${foundAt(input, issue.path)})`;
    })
    .join('; ');
}

/** Validates a step's input at the edge; the error names the step and every bad field. */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown, step: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(`${step}: invalid input: ${problemsOf(parsed.error, input)}`);
}
