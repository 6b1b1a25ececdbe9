import { LambdaClient } from '@aws-sdk/client-lambda';
import { runtimeDemoAccount } from '../gameday/runtime-demo-account.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import {
  type RuntimeFinding,
  type RuntimeInventory,
  runtimeInventory,
} from '../handlers/runtime-upgrade/runtime-inventory.js';
import { runtimeUpgrade } from '../runbooks/runtime-upgrade/runbook.js';
import {
  type OrganizationInventory,
  organizationInventory,
  registeredAccountsIn,
} from './organization-inventory.js';

export interface RuntimesOptions {
  readonly aws: boolean;
  readonly region: string | undefined;
  readonly json: boolean;
  /** Every registered account and region of a hub's settings, instead of one account. */
  readonly org: boolean;
  /** The hub's settings file (`runbooks:accounts`). Default: cdk.context.json. */
  readonly settings: string | undefined;
  /** With `--org --aws`: the role read in every account. */
  readonly roleName: string | undefined;
}

const pad = (text: string, width: number) => text.padEnd(width);

const traffic = (f: RuntimeFinding) =>
  f.routedBy.map((r) => `${r.alias} ${Math.round(r.weight * 100)}%`).join(', ') || '-';

function printOrganization(inventory: OrganizationInventory): void {
  console.log(
    `Lambda functions and versions on runtimes deprecated by ${inventory.today} or within ${inventory.horizonDays} days, in ${inventory.places.length} registered account(s) and region(s)\n`,
  );
  console.log(
    `${pad('account', 13)} ${pad('region', 15)} ${pad('env', 8)} ${pad('function:version', 28)} ${pad('runtime', 12)} ${pad('deprecated', 11)} ${pad('traffic', 18)} move to`,
  );
  for (const place of inventory.places) {
    const where = `${pad(place.account, 13)} ${pad(place.region, 15)} ${pad(place.environment, 8)}`;
    if (place.error) console.log(`${where} could not be read: ${place.error}`);
    else if (place.functions.length === 0) console.log(`${where} none`);
    for (const f of place.functions) {
      console.log(
        `${where} ${pad(`${f.functionName}:${f.version}`, 28)} ${pad(f.runtime, 12)} ${pad(f.deprecated ?? '-', 11)} ${pad(traffic(f), 18)} ${f.moveTo ?? '-'}`,
      );
    }
  }
  if (inventory.skippedOrganizationalUnits.length)
    console.log(
      `\nNot read: the accounts of ${inventory.skippedOrganizationalUnits.join(', ')} (list them by accountId)`,
    );
}

function print(inventory: RuntimeInventory): void {
  console.log(
    `Lambda functions and versions on runtimes deprecated by ${inventory.today} or within ${inventory.horizonDays} days`,
  );
  console.log(`Schedule: ${inventory.source.page} (read ${inventory.source.readOn})\n`);
  if (inventory.functions.length === 0) console.log('None.');
  else {
    console.log(
      `${pad('function:version', 28)} ${pad('runtime', 12)} ${pad('deprecated', 11)} ${pad('no create', 11)} ${pad('no update', 11)} ${pad('traffic', 18)} move to`,
    );
    for (const f of inventory.functions) {
      console.log(
        `${pad(`${f.functionName}:${f.version}`, 28)} ${pad(f.runtime, 12)} ${pad(f.deprecated ?? '-', 11)} ${pad(f.blockCreate ?? '-', 11)} ${pad(f.blockUpdate ?? '-', 11)} ${pad(traffic(f), 18)} ${f.moveTo ?? '-'}`,
      );
    }
  }
  if (inventory.unknownRuntimes.length)
    console.log(
      `\nRuntimes not in the schedule (update handlers/runtime-upgrade/runtime-schedule.ts): ${inventory.unknownRuntimes.join(', ')}`,
    );
}

/**
 * `runbook runtimes [--json] [--aws [--region <r>]]`: every function and published version on a
 * deprecated or soon deprecated runtime. Against a simulated account by default; `--aws` reads the
 * account of the usual AWS credentials. `--org [--settings <file>] [--aws --role-name <role>]`:
 * every registered account and region of a hub, one table.
 */
export async function runtimesCommand(options: RuntimesOptions): Promise<number> {
  const now = new Date();
  if (options.org) {
    if (options.aws && !options.roleName)
      throw new InvalidInputError(
        'runtimes --org --aws needs --role-name <role>: a role in every registered account that lets you lambda:ListFunctions and lambda:ListAliases',
      );
    const inventory = await organizationInventory({
      accounts: registeredAccountsIn(options.settings ?? 'cdk.context.json'),
      today: now.toISOString().slice(0, 10),
      horizonDays: runtimeUpgrade.guardrails.horizonDays,
      ...(options.aws && options.roleName ? { roleName: options.roleName } : {}),
    });
    if (options.json) console.log(JSON.stringify(inventory, null, 2));
    else printOrganization(inventory);
    return 0;
  }
  const lambda = options.aws
    ? new LambdaClient(options.region ? { region: options.region } : {})
    : runtimeDemoAccount(now).clients().lambda;
  const inventory = await runtimeInventory(
    lambda,
    now.toISOString().slice(0, 10),
    runtimeUpgrade.guardrails.horizonDays,
  );
  if (options.json) console.log(JSON.stringify(inventory, null, 2));
  else print(inventory);
  return 0;
}
