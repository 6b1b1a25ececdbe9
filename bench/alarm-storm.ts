import { dispatcherAccount } from '../gameday/dispatcher-account.js';
import { dispatchAlarm } from '../handlers/dispatcher/dispatch-alarm.js';
import { parseAlarmEvent } from '../handlers/lib/alarm-event.js';
import { planDispatch } from '../handlers/lib/alarm-routing.js';
import { logger } from '../handlers/lib/observability.js';
import type { BenchResult } from './bench-result.js';

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

/**
 * Alarm storm: 10,000 alarm events (2,500 distinct transitions, the rest duplicates) through the
 * dispatcher against the simulated account (DynamoDB leases, Step Functions starts). Beside it, the
 * baseline: validating and routing the same events without leases or starts.
 */
export async function alarmStorm(): Promise<BenchResult[]> {
  logger.setLogLevel('SILENT');
  const events = stormEvents();

  const baselineStart = performance.now();
  for (const event of events)
    planDispatch(parseAlarmEvent(event), {
      tags: { runbook: 'api-5xx-spike' },
      routes: [],
      knownRunbooks: ['api-5xx-spike'],
    });
  const baselineSeconds = (performance.now() - baselineStart) / 1000;

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

  return [
    { name: 'alarm-storm events per second', unit: 'events/s', value: Math.round(totalEvents / seconds) },
    { name: 'alarm-storm executions started', unit: 'executions', value: executions },
    { name: 'alarm-storm distinct transitions', unit: 'transitions', value: distinctTransitions },
    {
      name: 'alarm-storm duplicate starts',
      unit: 'executions',
      value: started - executions + Math.max(0, executions - distinctTransitions),
    },
    {
      name: 'alarm-storm baseline (validate and route only) events per second',
      unit: 'events/s',
      value: Math.round(totalEvents / baselineSeconds),
    },
    {
      name: 'alarm-storm cost relative to baseline',
      unit: 'ratio',
      value: Number((baselineSeconds === 0 ? 0 : seconds / baselineSeconds).toFixed(2)),
    },
  ];
}
