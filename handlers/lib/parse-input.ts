import type * as z from 'zod/mini';
import { InvalidInputError } from './errors.js';

/** Every problem zod found, each with the path of the field it concerns. */
export function problemsOf(error: z.core.$ZodError, root = '(input)'): string {
  return error.issues.map((issue) => `${issue.path.join('.') || root}: ${issue.message}`).join('; ');
}

/** Validates a step's input at the edge; the error names the step and every bad field. */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown, step: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(`${step}: invalid input: ${problemsOf(parsed.error)}`);
}
