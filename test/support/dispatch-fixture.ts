import type { BusEvent } from '../../gameday/account/event-bus.js';
import type { DispatcherDeps } from '../../handlers/dispatcher/dispatcher-config.js';
import { checkoutAccount } from './checkout-account.js';

/** A checkout account with the platform deployed, dispatcher deps bound to it, and a way to make ALARM events. */
export async function dispatchFixture() {
  const setup = await checkoutAccount();
  const { account, platform } = setup;
  const counted: string[] = [];
  const deps: DispatcherDeps = {
    // The dispatcher's own role.
    clients: platform.installed.clientsOf('dispatcher'),
    now: () => account.clock.now(),
    metrics: { count: (name) => counted.push(name) },
    config: platform.dispatcherConfig,
    triggers: platform.triggers,
  };
  /** Runs traffic with the alias failing until the checkout alarm fires; returns its ALARM event. */
  const alarmEvent = (): BusEvent => {
    account.advance(30 * 60);
    account.lambda.setBehaviour('checkout-api', '5', { errorRate: 0.3, durationMs: 100 });
    account.advance(3 * 60);
    const event = account.bus.delivered.findLast(
      (e) => (e.detail as { state: { value: string } }).state.value === 'ALARM',
    );
    if (!event) throw new Error('the alarm did not fire');
    return event;
  };
  return { ...setup, deps, counted, alarmEvent, started: () => account.stepFunctions.all() };
}
