import { LambdaClient } from '@aws-sdk/client-lambda';
import { runtimeDemoAccount } from '../gameday/runtime-demo-account.js';
import { type RuntimeInventory, runtimeInventory } from '../handlers/runtime-upgrade/runtime-inventory.js';
import { runtimeUpgrade } from '../runbooks/runtime-upgrade/runbook.js';

export interface RuntimesOptions {
  readonly aws: boolean;
  readonly region: string | undefined;
  readonly json: boolean;
}

const pad = (text: string, width: number) => text.padEnd(width);

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
      const traffic = f.routedBy.map((r) => `${r.alias} ${Math.round(r.weight * 100)}%`).join(', ') || '-';
      console.log(
        `${pad(`${f.functionName}:${f.version}`, 28)} ${pad(f.runtime, 12)} ${pad(f.deprecated ?? '-', 11)} ${pad(f.blockCreate ?? '-', 11)} ${pad(f.blockUpdate ?? '-', 11)} ${pad(traffic, 18)} ${f.moveTo ?? '-'}`,
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
 * account of the usual AWS credentials.
 */
export async function runtimesCommand(options: RuntimesOptions): Promise<number> {
  const now = new Date();
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
