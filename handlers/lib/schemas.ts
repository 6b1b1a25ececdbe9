import * as z from 'zod/mini';

// Zod's mini flavour: the same validation at a fraction of the bundle size (functions instead of
// methods, so bundles carry only the checks they use). These are the shapes most inputs share.

/** A string with at least one character. */
export const nonEmptyString = () => z.string().check(z.minLength(1));

/** An integer above zero. */
export const positiveInt = () => z.int().check(z.positive());

/** An integer of zero or more. */
export const nonNegativeInt = () => z.int().check(z.nonnegative());

/** A share between 0 and 1, inclusive. */
export const share = () => z.number().check(z.gte(0), z.lte(1));

/** A string `Date.parse` reads as a time. */
export const timestampString = () =>
  z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'is not a timestamp'));
