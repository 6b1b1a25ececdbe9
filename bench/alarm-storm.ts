import { dispatcherAccount } from '../gameday/dispatcher-account.js';
import { dispatchAlarm } from '../handlers/dispatcher/dispatch-alarm.js';
import type { DispatcherConfig } from '../handlers/dispatcher/dispatcher-config.js';
import type { DispatchContext } from '../handlers/dispatcher/launch.js';
import { parseAlarmEvent } from '../handlers/lib/alarm-event.js';
import { planDispatch } from '../handlers/lib/alarm-routing.js';
import { ChangeBudget } from '../handlers/lib/change-budget.js';
import { logger } from '../handlers/lib/observability.js';
import { type BenchResult, figure, repeat } from './bench-result.js';

const totalEvents = 10_000;
const distinctTransitions = 2_500;
/** The hub of the organization storm, and its 50 workload accounts (dev, staging, prod in turn). */
const hubAccount = '123456789012';
const workloadAccounts = Array.from({ length: 50 }, (_, i) => String(200_000_000_000 + i));
const environmentOf = (i: number) => (['dev', 'staging', 'prod'] as const)[i % 3] ?? 'dev';
/** The budget of automated change the organization storm's runs take from. */
const budget = { perHour: 20, breakerFailures: 3, breakerWindowMinutes: 60 };

/** A deterministic pseudo-random sequence, so every run replays the same storm. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * 10,000 alarm events of 2,500 transitions. In one account, each transition is a function of its
 * own; across accounts, transition `i` is in account `i mod 50` on function `fn-⌊i/50⌋`, so every
 * account has functions of the same 50 names (which must not lock each other out).
 */
function stormEvents(accounts: readonly string[] = [hubAccount]): unknown[] {
  const next = random(42);
  const transitions = Array.from({ length: distinctTransitions }, (_, i) => {
    const account = accounts[i % accounts.length] ?? hubAccount;
    const fn = accounts.length > 1 ? Math.floor(i / accounts.length) : i;
    return {
      version: '0',
      id: `event-${i}`,
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account,
      time: '2026-03-02T10:00:00Z',
      region: 'eu-west-1',
      resources: [`arn:aws:cloudwatch:eu-west-1:${account}:alarm:fn-${fn}-errors`],
      detail: {
        alarmName: `fn-${fn}-errors`,
        alarmTags: { runbook: 'api-5xx-spike' },
        state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-03-02T10:00:00.000+0000' },
        previousState: { value: 'OK', reason: 'ok', timestamp: '2026-03-02T09:00:00.000+0000' },
        configuration: {
          metrics: [
            {
              id: 'm1',
              metricStat: {
                metric: {
                  namespace: 'AWS/Lambda',
                  name: 'Errors',
                  dimensions: { FunctionName: `fn-${fn}`, Resource: `fn-${fn}:live` },
                },
                period: 60,
                stat: 'Sum',
              },
              returnData: true,
            },
          ],
        },
      },
    };
  });
  // Every transition once, the rest as duplicates at random, shuffled: at-least-once delivery.
  const events: unknown[] = [...transitions];
  while (events.length < totalEvents)
    events.push(structuredClone(transitions[Math.floor(next() * distinctTransitions)]));
  for (let i = events.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  return events;
}

/** Validating and routing the events: what a dispatcher without leases or starts would do. */
function baselineRun(events: readonly unknown[]): number {
  const start = performance.now();
  for (const event of events)
    planDispatch(parseAlarmEvent(event), {
      tags: { runbook: 'api-5xx-spike' },
      routes: [],
      knownRunbooks: ['api-5xx-spike'],
    });
  return (performance.now() - start) / 1000;
}

/**
 * The storm through the dispatcher on a fresh simulated account (a hub, with `accounts`
 * registered). Then every run started asks the budget for its automated change at once, as their
 * change gates would, 50 at a time: the grants per environment must stay within the hour's budget.
 */
async function dispatcherRun(events: readonly unknown[], accounts: DispatcherConfig['accounts'] = []) {
  const { account, deps, leaseTable } = dispatcherAccount({
    start: new Date('2026-03-02T10:00:00Z'),
    leaseSeconds: 8100,
    cooldownSeconds: 1800,
    accounts,
  });
  const start = performance.now();
  let started = 0;
  for (const event of events) if ((await dispatchAlarm(event, deps)).action === 'start') started += 1;
  const seconds = (performance.now() - start) / 1000;
  const executions = account.stepFunctions.all();
  const changeBudget = new ChangeBudget(account.clients().dynamodb, leaseTable);
  const granted = new Map<string, number>();
  for (let i = 0; i < executions.length; i += 50) {
    const answers = await Promise.all(
      executions.slice(i, i + 50).map(async (execution) => {
        const { environment } = (JSON.parse(execution.input) as { dispatch: DispatchContext }).dispatch;
        const grant = await changeBudget.take(execution.name, environment, budget, deps.now());
        return { environment, granted: grant.granted };
      }),
    );
    for (const a of answers) if (a.granted) granted.set(a.environment, (granted.get(a.environment) ?? 0) + 1);
  }
  return {
    seconds,
    executions: executions.length,
    duplicates: started - executions.length + Math.max(0, executions.length - distinctTransitions),
    overrun: [...granted.values()].reduce((sum, n) => sum + Math.max(0, n - budget.perHour), 0),
    granted: [...granted.values()].reduce((sum, n) => sum + n, 0),
  };
}

/**
 * Alarm storm: 10,000 alarm events (2,500 distinct transitions, the rest duplicates) through the
 * dispatcher against the simulated account (DynamoDB leases, Step Functions starts), in one account
 * and across 50 registered workload accounts (a hub), whose runs then all ask the budget of
 * automated change at once. Beside them, in the same process and alternating with them, the
 * baseline: validating and routing the same events without leases or starts.
 */
export async function alarmStorm(): Promise<BenchResult[]> {
  logger.setLogLevel('SILENT');
  const events = stormEvents();
  const orgEvents = stormEvents(workloadAccounts);
  const registered = workloadAccounts.map((accountId, i) => ({
    accountId,
    environment: environmentOf(i),
    regions: ['eu-west-1'],
  }));
  const runs = await repeat(async () => {
    const baselineSeconds = baselineRun(events);
    const single = await dispatcherRun(events);
    const organization = await dispatcherRun(orgEvents, registered);
    return { baselineSeconds, ...single, organization };
  });
  return [
    figure(
      'alarm-storm events per second',
      'events/s',
      runs.map((r) => totalEvents / r.seconds),
    ),
    figure(
      'alarm-storm executions started (distinct transitions: 2,500)',
      'executions',
      runs.map((r) => r.executions),
    ),
    figure(
      'alarm-storm duplicate starts',
      'executions',
      runs.map((r) => r.duplicates),
    ),
    figure(
      'alarm-storm across 50 accounts events per second',
      'events/s',
      runs.map((r) => totalEvents / r.organization.seconds),
    ),
    figure(
      'alarm-storm across 50 accounts executions started (distinct: 2,500)',
      'executions',
      runs.map((r) => r.organization.executions),
    ),
    figure(
      'alarm-storm across 50 accounts duplicate starts',
      'executions',
      runs.map((r) => r.organization.duplicates),
    ),
    figure(
      'alarm-storm across 50 accounts automated changes granted (budget 20/h × 3 environments)',
      'changes',
      runs.map((r) => r.organization.granted),
    ),
    figure(
      'alarm-storm across 50 accounts budget overrun',
      'changes',
      runs.map((r) => r.organization.overrun),
    ),
    figure(
      'alarm-storm baseline (validate and route only) events per second',
      'events/s',
      runs.map((r) => totalEvents / r.baselineSeconds),
    ),
    figure(
      'alarm-storm time relative to baseline',
      'x',
      runs.map((r) => r.seconds / r.baselineSeconds),
      2,
    ),
  ];
}
