import type { z } from 'zod';
import { InvalidInputError } from './errors.js';

/** Validates a step's input at the edge; the error names the step and every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, step: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
  );
  throw new InvalidInputError(`${step}: invalid input: ${problems.join('; ')}`);
}
