import * as z from 'zod/mini';
import { accountId } from './schemas.js';
import { environments } from './step-deps.js';
import { regionPattern } from './targets.js';

// Formats from the Organizations API reference: an organization id is `o-` and 10 to 32 lower-case
// letters or digits; an OU id is `ou-`, 4 to 32 of them (the root's), `-`, and 8 to 32 more.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
const organizationIdPattern = /^o-[a-z0-9]{10,32}$/;
const organizationalUnitIdPattern = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

const regions = z
  .array(z.string().check(z.regex(regionPattern, 'is not a region')))
  .check(z.minLength(1, 'lists no region'));
const environment = z.enum(environments, { error: `is not one of ${environments.join(', ')}` });

/**
 * Workload accounts the hub acts in: one account, or every account of an organizational unit, with
 * the environment that selects its approval policy and the regions its resources are in.
 */
export const registeredAccountsSchema = z
  .array(
    z.union([
      z.strictObject({
        accountId: accountId(),
        environment,
        regions,
      }),
      z.strictObject({
        organizationalUnitId: z
          .string()
          .check(z.regex(organizationalUnitIdPattern, 'is not an organizational unit id (ou-…)')),
        environment,
        regions,
      }),
    ]),
  )
  .check(z.minLength(1, 'lists no account'));

export type RegisteredAccount = z.infer<typeof registeredAccountsSchema>[number];

/** The organization the hub serves, and where the hub runs when synth cannot tell (no credentials). */
export const organizationSchema = z.strictObject({
  organizationId: z.string().check(z.regex(organizationIdPattern, 'is not an organization id (o-…)')),
  hubAccountId: z.optional(accountId()),
  hubRegion: z.optional(z.string().check(z.regex(regionPattern, 'is not a region'))),
});

export type OrganizationSettings = z.infer<typeof organizationSchema>;
