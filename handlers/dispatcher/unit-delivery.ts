import * as z from 'zod/mini';
import { accountIdPattern } from '../lib/targets.js';
import { type Decision, refuse } from './decision.js';
import type { DispatcherConfig } from './dispatcher-config.js';

/**
 * An event from an account of a registered organizational unit, as the hub's rule on the unit's
 * own event bus delivers it: wrapped with the unit. Only the unit's accounts may put events on
 * that bus (its policy asks `aws:PrincipalOrgPaths`), so the wrapper says which unit the event's
 * account belongs to, which the hub could not tell otherwise without AWS Organizations.
 */
const unitDeliverySchema = z.object({
  organizationalUnit: z.string(),
  event: z.object({ account: z.string() }),
});

export type UnitDelivery =
  | {
      readonly event: unknown;
      /** The configuration with the event's account registered as one of the unit's. */
      readonly config: DispatcherConfig;
      /** Wraps a part of the event handed to a later invocation as this one was. */
      readonly wrap: (event: unknown) => unknown;
    }
  | { readonly refused: Decision };

/** Whether an event is a unit's delivery (the wrapper), and what it stands for; undefined if not one. */
export function throughUnit(event: unknown, config: DispatcherConfig): UnitDelivery | undefined {
  if (typeof event !== 'object' || event === null || !('organizationalUnit' in event)) return undefined;
  const parsed = unitDeliverySchema.safeParse(event);
  const ou = String((event as { organizationalUnit: unknown }).organizationalUnit).slice(0, 70);
  const unit = config.organizationalUnits.find((u) => u.organizationalUnitId === ou);
  if (!parsed.success || !unit || !accountIdPattern.test(parsed.data.event.account)) {
    const why = unit ? 'is malformed' : 'comes through an organizational unit this deployment does not list';
    return { refused: refuse(null, null, `the event of ${JSON.stringify(ou)} ${why}`, 'ForeignEvents') };
  }
  const { account } = parsed.data.event;
  // An account listed by id keeps its own entry.
  const listed = config.accounts.some((a) => a.accountId === account);
  return {
    // The whole event, not only what the schema names.
    event: (event as unknown as { event: unknown }).event,
    config: listed
      ? config
      : {
          ...config,
          accounts: [
            ...config.accounts,
            { accountId: account, environment: unit.environment, regions: [...unit.regions] },
          ],
        },
    wrap: (part) => ({ organizationalUnit: unit.organizationalUnitId, event: part }),
  };
}
