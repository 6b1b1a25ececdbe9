import { existsSync, readFileSync } from 'node:fs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import pLimit from 'p-limit';
import { runtimeDemoAccount } from '../gameday/runtime-demo-account.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { type RegisteredAccount, registeredAccountsSchema } from '../handlers/lib/organization.js';
import { problemsOf } from '../handlers/lib/parse-input.js';
import { type RuntimeFinding, runtimeInventory } from '../handlers/runtime-upgrade/runtime-inventory.js';

/** How many accounts and regions are read at once. */
const concurrency = 8;

/** One registered account and region, and what was found there (or why nothing could be read). */
export interface PlaceInventory {
  readonly account: string;
  readonly region: string;
  readonly environment: string;
  readonly functions: readonly RuntimeFinding[];
  readonly error?: string;
}

export interface OrganizationInventory {
  readonly today: string;
  readonly horizonDays: number;
  readonly places: readonly PlaceInventory[];
  /** OUs listed in the settings, whose accounts cannot be told without AWS Organizations. */
  readonly skippedOrganizationalUnits: readonly string[];
}

/** The registered accounts of a hub's settings file (`runbooks:accounts`). */
export function registeredAccountsIn(file: string): readonly RegisteredAccount[] {
  if (!existsSync(file))
    throw new InvalidInputError(`${file} does not exist: name the hub's settings with --settings <file>`);
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const raw =
    settings['runbooks:accounts'] ?? (settings.context as Record<string, unknown>)?.['runbooks:accounts'];
  if (raw === undefined) throw new InvalidInputError(`${file} has no runbooks:accounts`);
  const parsed = registeredAccountsSchema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(
      `${file}: runbooks:accounts: ${problemsOf(parsed.error, raw, 'runbooks:accounts')}`,
    );
  return parsed.data;
}

export interface OrganizationInventoryOptions {
  readonly accounts: readonly RegisteredAccount[];
  readonly today: string;
  readonly horizonDays: number;
  /**
   * The role read in every account (`lambda:ListFunctions`, `lambda:ListAliases`), assumed with
   * the caller's credentials; without one, each account is a simulated one.
   * @default simulated accounts
   */
  readonly roleName?: string;
}

/**
 * The runtime inventory of every registered account and region, read in parallel (at most
 * `concurrency` at once); an account that cannot be read is reported with why, the others still.
 */
export async function organizationInventory(
  options: OrganizationInventoryOptions,
): Promise<OrganizationInventory> {
  const places = options.accounts.flatMap((a) =>
    'accountId' in a
      ? a.regions.map((region) => ({ account: a.accountId, region, environment: a.environment }))
      : [],
  );
  const limit = pLimit(concurrency);
  const lambdaOf = (account: string, region: string): LambdaClient => {
    if (!options.roleName)
      return runtimeDemoAccount(new Date(`${options.today}T12:00:00Z`), account, region).clients().lambda;
    const RoleArn = `arn:aws:iam::${account}:role/${options.roleName}`;
    return new LambdaClient({
      region,
      credentials: fromTemporaryCredentials({ params: { RoleArn, RoleSessionName: 'runbook-runtimes' } }),
    });
  };
  const read = (place: (typeof places)[number]) =>
    limit(async (): Promise<PlaceInventory> => {
      try {
        const inventory = await runtimeInventory(
          lambdaOf(place.account, place.region),
          options.today,
          options.horizonDays,
        );
        return { ...place, functions: inventory.functions };
      } catch (error) {
        return { ...place, functions: [], error: `${(error as Error).name}: ${(error as Error).message}` };
      }
    });
  return {
    today: options.today,
    horizonDays: options.horizonDays,
    places: await Promise.all(places.map(read)),
    skippedOrganizationalUnits: options.accounts.flatMap((a) =>
      'organizationalUnitId' in a ? [a.organizationalUnitId] : [],
    ),
  };
}
