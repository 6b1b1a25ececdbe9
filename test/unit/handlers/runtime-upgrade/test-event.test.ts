import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import { InvalidInputError } from '../../../../handlers/lib/errors.js';
import { testEventRegistry, testEventSchemaName } from '../../../../handlers/runtime-upgrade/contract.js';
import { configuredTestEvent } from '../../../../handlers/runtime-upgrade/test-event.js';

/** An account whose `orders-api` has these shareable test events, saved as the Lambda console saves them. */
function withTestEvents(examples: Record<string, unknown> | null, content?: string) {
  const account = new SimulatedAccount({ start: new Date('2026-11-01T00:00:00Z') });
  if (examples !== null || content !== undefined)
    account.schemas.createSchema({
      RegistryName: testEventRegistry,
      SchemaName: testEventSchemaName('orders-api'),
      Type: 'OpenApi3',
      Content:
        content ??
        JSON.stringify({
          openapi: '3.0.0',
          info: { version: '1.0.0', title: 'Event' },
          paths: {},
          components: {
            examples: Object.fromEntries(Object.entries(examples ?? {}).map(([k, v]) => [k, { value: v }])),
          },
        }),
    });
  return account.clients().schemas;
}

describe("the smoke test's event: the function's shareable test event", () => {
  it('is the only one the function has, or the one its runbook-test-event tag names', async () => {
    const one = withTestEvents({ health: { path: '/health' } });
    await expect(configuredTestEvent(one, 'orders-api', undefined)).resolves.toEqual({
      name: 'health',
      event: { path: '/health' },
    });
    const two = withTestEvents({ health: { path: '/health' }, order: { path: '/orders' } });
    await expect(configuredTestEvent(two, 'orders-api', 'order')).resolves.toEqual({
      name: 'order',
      event: { path: '/orders' },
    });
  });

  it('is {} for a function without shareable test events (no schema, no registry)', async () => {
    await expect(configuredTestEvent(withTestEvents(null), 'orders-api', undefined)).resolves.toEqual({
      name: null,
      event: {},
    });
  });

  it('is refused rather than guessed: several and none named, a name that does not exist, content that is not JSON', async () => {
    const two = withTestEvents({ health: {}, order: {} });
    await expect(configuredTestEvent(two, 'orders-api', undefined)).rejects.toThrow(
      /orders-api has 2 shareable test events \(health, order\): name the smoke test's/,
    );
    await expect(configuredTestEvent(two, 'orders-api', 'refund')).rejects.toThrow(
      'orders-api has no shareable test event named "refund" (it has: health, order)',
    );
    await expect(configuredTestEvent(withTestEvents(null), 'orders-api', 'health')).rejects.toThrow(
      InvalidInputError,
    );
    await expect(
      configuredTestEvent(withTestEvents(null, '{"openapi": '), 'orders-api', undefined),
    ).rejects.toThrow('the shareable test events of orders-api are not JSON');
  });
});
