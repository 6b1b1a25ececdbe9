import { createRequire } from 'node:module';
import type { AslDefinition } from './asl-types.js';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };

// asl-validator ships CommonJS without types.
const validator = createRequire(import.meta.url)('asl-validator') as AslValidator;

export interface AslValidation {
  readonly valid: boolean;
  readonly errors: string;
}

/** Validates a definition against the Amazon States Language (asl-validator mutates its input, so it gets a copy). */
export function validateAsl(definition: AslDefinition): AslValidation {
  const result = validator(structuredClone(definition));
  return { valid: result.isValid, errors: result.isValid ? '' : result.errorsText('\n') };
}
