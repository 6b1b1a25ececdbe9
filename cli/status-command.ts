import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { ChangeBudget } from '../handlers/lib/change-budget.js';
import { InvalidInputError } from '../handlers/lib/errors.js';

/** Where a lease key's target is: a hub's workload account (`<account>/<region>/<key>`), or its own. */
export interface LeasePlace {
  readonly account: string;
  readonly region: string;
  readonly target: string;
}

/** A target a run holds now, or a runbook's cool-down on one. */
export interface TargetStatus extends LeasePlace {
  readonly runbook: string;
  readonly until: string;
  /** The execution holding it; absent for a cool-down. */
  readonly execution?: string;
}

export interface PlatformStatus {
  readonly automation: string;
  /** Automated changes made in the last hour, per environment. */
  readonly changesThisHour: Readonly<Record<string, number>>;
  readonly running: readonly TargetStatus[];
  readonly coolingDown: readonly TargetStatus[];
}

const workloadKey = /^(\d{12})\/([a-z0-9-]+)\/(.+)$/;

/** The place of a lease key (`target#…`); the platform's own account and region are `-`. */
export function placeOfLeaseKey(pk: string): LeasePlace {
  const key = pk.slice('target#'.length);
  const [, account, region, target] = workloadKey.exec(key) ?? [];
  return account && region && target
    ? { account, region, target }
    : { account: '-', region: '-', target: key };
}

/**
 * What the platform is doing across every account it acts in, from its lease table: the circuit
 * breaker, the automated changes of the last hour per environment, the targets runs hold and the
 * cool-downs still running.
 */
export async function platformStatus(
  dynamodb: DynamoDBClient,
  table: string,
  now: Date,
): Promise<PlatformStatus> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const running: TargetStatus[] = [];
  const coolingDown: TargetStatus[] = [];
  const changesThisHour: Record<string, number> = {};
  for await (const page of paginateScan({ client: dynamodb }, { TableName: table, ConsistentRead: true })) {
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw) as Record<string, unknown>;
      const pk = String(item.pk);
      if (pk.startsWith('change-budget#')) {
        const changes = (item.changes ?? []) as { at: number }[];
        changesThisHour[pk.slice('change-budget#'.length)] = changes.filter(
          (c) => c.at > now.getTime() - 3_600_000,
        ).length;
        continue;
      }
      if (!pk.startsWith('target#')) continue;
      const place = placeOfLeaseKey(pk);
      if (typeof item.holder === 'string' && Number(item.expiresAt) >= nowSeconds)
        running.push({
          ...place,
          runbook: String(item.runbook),
          execution: item.holder,
          until: new Date(Number(item.expiresAt) * 1000).toISOString(),
        });
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith('cooldown_') || Number(value) <= nowSeconds) continue;
        coolingDown.push({
          ...place,
          runbook: name.slice('cooldown_'.length),
          until: new Date(Number(value) * 1000).toISOString(),
        });
      }
    }
  }
  const breaker = await new ChangeBudget(dynamodb, table).breaker();
  const automation = breaker.paused
    ? `paused since ${breaker.pausedAt} (${breaker.reason}); resume with runbook resume`
    : breaker.resumedBy
      ? `on (resumed by ${breaker.resumedBy} at ${breaker.resumedAt})`
      : 'on';
  const byPlace = (a: TargetStatus, b: TargetStatus) =>
    `${a.account}${a.region}${a.target}`.localeCompare(`${b.account}${b.region}${b.target}`);
  return {
    automation,
    changesThisHour,
    running: running.sort(byPlace),
    coolingDown: coolingDown.sort(byPlace),
  };
}

const pad = (text: string, width: number) => text.padEnd(width);

function print(status: PlatformStatus): void {
  console.log(`Automatic remediation: ${status.automation}`);
  const changes = Object.entries(status.changesThisHour);
  console.log(
    `Automated changes in the last hour: ${changes.length ? changes.map(([env, n]) => `${env} ${n}`).join(', ') : 'none'}\n`,
  );
  const table = (title: string, rows: readonly TargetStatus[]) => {
    console.log(`${title}:`);
    if (rows.length === 0) console.log('  none');
    for (const r of rows)
      console.log(
        `  ${pad(r.account, 13)} ${pad(r.region, 15)} ${pad(r.target, 36)} ${pad(r.runbook, 18)} until ${r.until}${r.execution ? `  ${r.execution}` : ''}`,
      );
  };
  table('Running (account, region, target, runbook)', status.running);
  table('Cooling down', status.coolingDown);
}

/**
 * `runbook status --table <lease table> [--region <r>] [--json]`: what automation is doing in
 * every account the platform acts in, with the usual AWS credentials (`dynamodb:Scan` and
 * `dynamodb:GetItem` on the table). `-` is the platform's own account and region.
 */
export async function statusCommand(options: {
  readonly table: string | undefined;
  readonly region: string | undefined;
  readonly json: boolean;
  readonly now?: () => Date;
}): Promise<number> {
  if (!options.table)
    throw new InvalidInputError('status needs --table <name> (the stack output LeaseTableName)');
  const { dynamodb } = lazyClients(
    { dynamodb: DynamoDBClient },
    options.region ? { region: options.region } : {},
  );
  const status = await platformStatus(dynamodb, options.table, (options.now ?? (() => new Date()))());
  if (options.json) console.log(JSON.stringify(status, null, 2));
  else print(status);
  return 0;
}
