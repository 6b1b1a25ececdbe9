import * as z from 'zod/mini';
import { accountIdPattern } from './targets.js';

// Zod's mini flavour: the same validation at a fraction of the bundle size (functions instead of
// methods, so bundles carry only the checks they use). These are the shapes most inputs share.

/** A string with at least one character. */
export const nonEmptyString = () => z.string().check(z.minLength(1));

/** An AWS account id. */
export const accountId = () => z.string().check(z.regex(accountIdPattern, 'is not a 12-digit account id'));

/** An integer above zero. */
export const positiveInt = () => z.int().check(z.positive());

/** An integer of zero or more. */
export const nonNegativeInt = () => z.int().check(z.nonnegative());

/** A share between 0 and 1, inclusive. */
export const share = () => z.number().check(z.gte(0), z.lte(1));

/**
 * An ISO 8601 date and time with its offset (`2019-10-02T17:04:40.985+0000`, `…Z`), as AWS writes
 * them: `Date.parse` alone reads `"0"` as the year 2000.
 */
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
export const timestampString = () =>
  z
    .string()
    .check(
      z.refine((s) => isoTimestamp.test(s) && !Number.isNaN(Date.parse(s)), 'is not an ISO 8601 timestamp'),
    );
