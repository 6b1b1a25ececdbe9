import { SimulatedAccount } from './account/simulated-account.js';

/**
 * A simulated account with functions and published versions on runtimes old and new, for
 * `runbook runtimes` without AWS: aliases still route traffic to some old versions.
 */
export function runtimeDemoAccount(now: Date, accountId?: string, region?: string): SimulatedAccount {
  const account = new SimulatedAccount({
    start: now,
    ...(accountId ? { accountId } : {}),
    ...(region ? { region } : {}),
  });
  const { lambda } = account;
  const healthy = { errorRate: 0, durationMs: 100 };
  const fn = (name: string, runtimes: readonly string[], aliases: Readonly<Record<string, string>> = {}) => {
    lambda.createFunction(name, 30, 512, { runtime: runtimes[0] ?? 'nodejs24.x' });
    runtimes.forEach((runtime, i) => {
      if (i > 0) lambda.configurations.configure(name, { runtime, environment: {} });
      lambda.publishVersion(name, healthy);
    });
    for (const [alias, version] of Object.entries(aliases))
      lambda.createAlias({ FunctionName: name, Name: alias, FunctionVersion: version });
  };
  fn('orders-api', ['nodejs18.x', 'nodejs18.x', 'nodejs20.x'], { live: '2', staging: '3' });
  fn('billing-worker', ['python3.9'], { live: '1' });
  fn('invoice-renderer', ['python3.10', 'python3.12'], { live: '2' });
  fn('search-api', ['nodejs22.x'], { live: '1' });
  fn('audit-export', ['java8.al2']);
  fn('checkout-api', ['nodejs24.x'], { live: '1' });
  return account;
}
