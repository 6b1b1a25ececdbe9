import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeBudget } from '../../handlers/lib/change-budget.js';
import { type DynamoBackend, leaseTableBackends } from '../support/dynalite-server.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const settings = { perHour: 3, breakerFailures: 2, breakerWindowMinutes: 60 };

// Asserted against dynalite (a DynamoDB implementation) and the simulated account's DynamoDB, so
// the game days' budget behaves like the deployed one.
const backends = leaseTableBackends(t0);

describe.each(backends)('the budget of automated change on %s', (_name, start) => {
  let backend: DynamoBackend;
  let environment = 0;
  const nextEnvironment = () => `env-${++environment}`;
  const budget = () => new ChangeBudget(backend.client, 'leases');

  beforeAll(async () => {
    backend = await start();
  });
  afterAll(() => backend.stop());

  it('grants N automated changes an hour, then refuses with the reason, and frees them an hour later', async () => {
    const env = nextEnvironment();
    const answers = [];
    for (const run of ['a', 'b', 'c', 'd'])
      answers.push(await budget().take(run, env, settings, later(run.charCodeAt(0) - 97)));
    expect(answers.map((a) => a.granted)).toEqual([true, true, true, false]);
    expect(answers[3]?.reason).toBe(`the budget of 3 automated changes per hour in ${env} is spent`);
    expect((await budget().take('e', env, settings, later(60))).granted).toBe(true);
  });

  it('gives a retried run its own change back instead of a second one', async () => {
    const env = nextEnvironment();
    await budget().take('a', env, { ...settings, perHour: 1 }, t0);
    expect(await budget().take('a', env, { ...settings, perHour: 1 }, later(1))).toEqual({
      granted: true,
      reason: 'this run’s change is already counted',
    });
    expect((await budget().take('b', env, { ...settings, perHour: 1 }, later(1))).granted).toBe(false);
  });

  it('grants exactly N to runs racing for the budget, and answers every one of them', async () => {
    const env = nextEnvironment();
    const runs = Array.from({ length: 50 }, (_, i) => `run-${i}`);
    const answers = await Promise.all(
      runs.map((run) =>
        budget()
          .take(run, env, { ...settings, perHour: 20 }, t0)
          .catch((error: Error) => error),
      ),
    );
    // A storm of change gates is answered, not failed: a lost write is another run's grant.
    expect(answers.filter((a) => a instanceof Error)).toEqual([]);
    expect(answers.filter((a) => !(a instanceof Error) && a.granted)).toHaveLength(20);
  });

  it('pauses every environment after K failed changes within the window, until a person resumes it', async () => {
    const first = await budget().recordFailure('x-1', 'canary regressed', settings, t0);
    expect(first.paused).toBe(false);
    expect(
      (await budget().recordFailure('x-1', 'canary regressed', settings, later(1))).failures,
    ).toHaveLength(1);
    const tripped = await budget().recordFailure('x-2', 'not recovered', settings, later(2));
    expect(tripped).toMatchObject({ paused: true, pausedAt: later(2).toISOString() });
    expect(tripped.reason).toMatch(
      /^2 runs failed their verification or rolled back within 60 minutes, the last: not recovered/,
    );
    const refused = await budget().take('y', nextEnvironment(), settings, later(3));
    expect(refused.granted).toBe(false);
    expect(refused.reason).toMatch(/automatic remediation is paused since .*runbook resume/);
    await budget().resume('U01LEAD', later(4));
    expect(await budget().breaker()).toMatchObject({ paused: false, failures: [], resumedBy: 'U01LEAD' });
    expect((await budget().take('z', nextEnvironment(), settings, later(5))).granted).toBe(true);
  });
});
