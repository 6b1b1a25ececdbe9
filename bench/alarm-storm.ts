import { dispatcherAccount } from '../gameday/dispatcher-account.js';
import { dispatchAlarm } from '../handlers/dispatcher/dispatch-alarm.js';
import { parseAlarmEvent } from '../handlers/lib/alarm-event.js';
import { planDispatch } from '../handlers/lib/alarm-routing.js';
import { logger } from '../handlers/lib/observability.js';
import { type BenchResult, figure, repeat } from './bench-result.js';

const totalEvents = 10_000;
const distinctTransitions = 2_500;

/** A deterministic pseudo-random sequence, so every run replays the same storm. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function stormEvents(): unknown[] {
  const next = random(42);
  const transitions = Array.from({ length: distinctTransitions }, (_, i) => ({
    version: '0',
    id: `event-${i}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-03-02T10:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fn-${i}-errors`],
    detail: {
      alarmName: `fn-${i}-errors`,
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
                dimensions: { FunctionName: `fn-${i}`, Resource: `fn-${i}:live` },
              },
              period: 60,
              stat: 'Sum',
            },
            returnData: true,
          },
        ],
      },
    },
  }));
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

/** The storm through the dispatcher on a fresh simulated account. */
async function dispatcherRun(events: readonly unknown[]) {
  const { account, deps } = dispatcherAccount({
    start: new Date('2026-03-02T10:00:00Z'),
    leaseSeconds: 8100,
    cooldownSeconds: 1800,
  });
  const start = performance.now();
  let started = 0;
  for (const event of events) if ((await dispatchAlarm(event, deps)).action === 'start') started += 1;
  const seconds = (performance.now() - start) / 1000;
  const executions = account.stepFunctions.all().length;
  return {
    seconds,
    executions,
    duplicates: started - executions + Math.max(0, executions - distinctTransitions),
  };
}

/**
 * Alarm storm: 10,000 alarm events (2,500 distinct transitions, the rest duplicates) through the
 * dispatcher against the simulated account (DynamoDB leases, Step Functions starts). Beside it, in
 * the same process and alternating with it, the baseline: validating and routing the same events
 * without leases or starts.
 */
export async function alarmStorm(): Promise<BenchResult[]> {
  logger.setLogLevel('SILENT');
  const events = stormEvents();
  const runs = await repeat(async () => {
    const baselineSeconds = baselineRun(events);
    return { baselineSeconds, ...(await dispatcherRun(events)) };
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
