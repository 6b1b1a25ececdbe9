import type { SimulatedAccount } from '../account/simulated-account.js';

/**
 * What the runbooks may change in an account, in terms that compare across runs: functions'
 * `$LATEST` runtime and environment, reserved and provisioned concurrency, aliases (each version
 * named by what it runs, since a retried publish numbers versions differently), event source
 * mappings, the version secrets' AWSCURRENT label is on (one that was there before, or a new
 * one) and queues' settings. A key absent from the map stands for nothing configured.
 */
export type ResourceState = Readonly<Record<string, string>>;

/** A version by what it runs: its code and the runtime and environment it was published with. */
function contentOf(account: SimulatedAccount, functionName: string, version: string): string {
  if (version === '$LATEST') return '$LATEST';
  const fn = account.lambda.fn(functionName);
  const v = account.lambda.version(fn, version);
  return `${v.codeSha256.slice(0, 12)}/${v.settings.runtime}/${stable(v.settings.environment)}`;
}

const stable = (value: Readonly<Record<string, unknown>>) =>
  JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));

/**
 * The account's resource state now. `secretVersionsBefore` lists the secret versions that
 * existed before the run (an earlier call's `secretVersions`): those read by their place in that
 * list (ids differ from run to run), any other as `new`. Without it, the versions there now are
 * the ones before.
 */
export function resourceStateOf(
  account: SimulatedAccount,
  secretVersionsBefore?: readonly string[],
): { state: ResourceState; secretVersions: string[] } {
  const state: Record<string, string> = {};
  for (const fn of account.lambda.all()) {
    const at = `lambda:${fn.name}`;
    const latest = account.lambda.configurations.latest(fn.name);
    state[`${at}:$LATEST`] = `${latest.runtime}/${stable(latest.environment)}`;
    const reserved = account.lambda.concurrency.reservedOf(fn.name);
    if (reserved !== undefined) state[`${at}:reserved`] = String(reserved);
    for (const config of account.lambda.concurrency.listProvisioned(fn.name)) {
      const qualifier = config.FunctionArn?.split(':').pop() ?? '';
      state[`${at}:provisioned:${qualifier}`] = String(config.RequestedProvisionedConcurrentExecutions);
    }
    for (const alias of fn.aliases.values()) {
      const weights = Object.entries(alias.weights)
        .map(([version, weight]) => `${contentOf(account, fn.name, version)}=${weight}`)
        .sort();
      state[`${at}:alias:${alias.name}`] = [
        contentOf(account, fn.name, alias.functionVersion),
        ...weights,
      ].join(' + ');
    }
  }
  for (const mapping of account.lambda.mappings.list({}).EventSourceMappings ?? []) {
    const fn = mapping.FunctionArn?.split(':')[6] ?? '';
    const source = mapping.EventSourceArn?.split(':').pop() ?? '';
    state[`mapping:${fn}<-${source}`] =
      `${mapping.State}/max ${mapping.ScalingConfig?.MaximumConcurrency ?? 'none'}/batch ${mapping.BatchSize}`;
  }
  const secrets = account.secretsManager.store.all();
  const secretVersions = secrets.flatMap((secret) =>
    [...secret.versions.values()]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((version) => version.id),
  );
  const before = secretVersionsBefore ?? secretVersions;
  for (const secret of secrets) {
    for (const [id, stages] of Object.entries(account.secretsManager.store.versionIdsToStages(secret))) {
      const origin = before.includes(id) ? `version ${before.indexOf(id) + 1}` : 'new';
      // What consumers read; AWSPREVIOUS follows AWSCURRENT wherever it moves, and AWSPENDING
      // is the next rotation's to reuse or replace.
      if (stages.includes('AWSCURRENT')) state[`secret:${secret.name}:AWSCURRENT`] = origin;
    }
  }
  for (const url of account.sqs.queueUrls()) {
    const { Attributes } = account.sqs.getQueueAttributes({
      QueueUrl: url,
      AttributeNames: ['VisibilityTimeout', 'RedrivePolicy', 'MessageRetentionPeriod'],
    });
    state[`sqs:${url.split('/').pop()}`] = stable(Attributes);
  }
  return { state, secretVersions };
}

/** The keys whose values differ between two states, with both values. */
export function differences(a: ResourceState, b: ResourceState): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k] ?? 'none'} → ${b[k] ?? 'none'}`);
}
