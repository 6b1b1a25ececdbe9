import { setTimeout as delay } from 'node:timers/promises';
import { logger } from '../../handlers/lib/observability.js';
import { SimulatedAccount } from '../account/simulated-account.js';
import { scriptedApprover } from '../run-scenario.js';
import { type Scenario, scenarioStart } from '../scenario.js';
import { SimulatedPlatform } from '../simulated-platform.js';
import { type DriverResult, driveGameDay } from './drive-game-day.js';

export interface LocalDriveOptions {
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Virtual seconds per real second, to watch a game day as it happens. Default: as fast as it runs. */
  readonly speed?: number;
  /** Called with the account once set up, to inspect it afterwards. */
  readonly onAccount?: (account: SimulatedAccount) => void;
}

/**
 * Drives a closed-loop game day against a simulated account with the platform deployed, through
 * the same driver and AWS API calls as a sandbox run: waiting moves virtual time (and runs what the
 * dispatcher started), so an hour of game day takes a moment.
 */
export async function driveLocally(
  scenario: Scenario<unknown, object, object>,
  options: LocalDriveOptions,
): Promise<DriverResult> {
  logger.setLogLevel('SILENT');
  const account = new SimulatedAccount({ start: scenarioStart });
  const platform = await SimulatedPlatform.deploy(account, {
    environment: scenario.environment,
    approver: scriptedApprover(scenario.approval ?? 'approve'),
    settings: scenario.settings?.(account.identity) ?? {},
  });
  scenario.setup(account);
  options.onAccount?.(account);
  await platform.advance((scenario.warmUpMinutes ?? 30) * 60);
  await platform.settle();
  return driveGameDay(scenario, {
    clients: account.clients(),
    now: () => account.clock.now(),
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      await platform.advance(ms / 1000);
      await platform.settle();
      if (options.speed) await delay(ms / options.speed, undefined, signal ? { signal } : {});
    },
    log: options.log,
    ...(options.signal ? { signal: options.signal } : {}),
    // The platform's scripted approver answers, as people would in Slack.
    approve: 'slack',
  });
}
