import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatcherAccount } from '../../../gameday/dispatcher-account.js';
import { dispatchAlarm } from '../../../handlers/dispatcher/dispatch-alarm.js';
import { InvalidInputError } from '../../../handlers/lib/errors.js';
import { alarmEvent } from '../../support/alarm-event.js';
import { propertyRuns } from '../../support/property-runs.js';

const platformAccount = () =>
  dispatcherAccount({ start: new Date('2026-03-02T09:00:00Z'), leaseSeconds: 3600, cooldownSeconds: 0 });

/** A valid event with one field, at any depth, replaced by an arbitrary value or removed. */
const mutatedEvent = fc
  .tuple(
    fc.array(
      fc.constantFrom(
        'version',
        'id',
        'detail-type',
        'source',
        'account',
        'time',
        'region',
        'resources',
        'detail',
        'alarmName',
        'state',
        'value',
        'timestamp',
        'metrics',
        'configuration',
        'previousState',
      ),
    ),
    fc.anything(),
  )
  .map(([path, value]) => {
    const event = alarmEvent({
      tags: { runbook: 'api-5xx-spike' },
      metric: {
        namespace: 'AWS/Lambda',
        name: 'Errors',
        dimensions: { FunctionName: 'fn', Resource: 'fn:live' },
      },
    }) as Record<string, unknown>;
    let node: Record<string, unknown> = event;
    for (const key of path.slice(0, -1)) {
      const child = node[key];
      if (child && typeof child === 'object' && !Array.isArray(child))
        node = child as Record<string, unknown>;
    }
    const last = path.at(-1);
    if (last !== undefined) {
      if (value === undefined) delete node[last];
      else node[last] = value;
    }
    return event;
  });

describe('dispatchAlarm with random input', () => {
  it('never crashes on arbitrary input: it either routes or fails with InvalidInputError, starting nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.json().map((j) => JSON.parse(j) as unknown),
          mutatedEvent,
        ),
        async (input) => {
          const { account, deps } = platformAccount();
          try {
            await dispatchAlarm(input, deps);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidInputError);
            expect((error as Error).message).toMatch(/^not a CloudWatch alarm state-change event: .+/);
            expect(account.stepFunctions.all()).toHaveLength(0);
            expect(account.dynamodb.scan('leases')).toHaveLength(0);
          }
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('starts exactly one execution per distinct alarm transition, however often and in whatever order events arrive', async () => {
    const transitions = fc.uniqueArray(
      fc.record({ fn: fc.integer({ min: 1, max: 40 }), minute: fc.integer({ min: 0, max: 59 }) }),
      { minLength: 1, maxLength: 12, selector: (t) => t.fn },
    );
    await fc.assert(
      fc.asyncProperty(
        transitions,
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 12, maxLength: 12 }),
        fc.integer(),
        async (distinct, copies, seed) => {
          const { account, deps } = platformAccount();
          const deliveries = distinct.flatMap((t, i) =>
            Array.from({ length: copies[i] ?? 1 }, () =>
              alarmEvent({
                alarmName: `fn-${t.fn}-errors`,
                timestamp: `2026-03-02T10:${String(t.minute).padStart(2, '0')}:00.000+0000`,
                tags: { runbook: 'api-5xx-spike' },
                metric: {
                  namespace: 'AWS/Lambda',
                  name: 'Errors',
                  dimensions: { FunctionName: `fn-${t.fn}`, Resource: `fn-${t.fn}:live` },
                },
              }),
            ),
          );
          const shuffled =
            fc.sample(fc.shuffledSubarray(deliveries, { minLength: deliveries.length }), {
              numRuns: 1,
              seed,
            })[0] ?? deliveries;
          const outcomes = await Promise.all(shuffled.map((event) => dispatchAlarm(event, deps)));
          const executions = account.stepFunctions.all();
          expect(executions).toHaveLength(distinct.length);
          expect(new Set(executions.map((e) => e.name)).size).toBe(distinct.length);
          expect(outcomes.filter((o) => o.action === 'start')).toHaveLength(distinct.length);
        },
      ),
      { numRuns: propertyRuns(100) },
    );
  });
});
