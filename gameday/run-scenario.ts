import type { AlarmStateChangeEvent } from '../handlers/lib/alarm-event.js';
import type { AuditRecord } from '../handlers/lib/audit-trail.js';
import { logger } from '../handlers/lib/observability.js';
import { findRunbook } from '../runbooks/index.js';
import { type Approver, type LocalExecutionEvent, runLocally } from '../state-machines/local-executor.js';
import type { BusEvent } from './account/event-bus.js';
import { SimulatedAccount } from './account/simulated-account.js';
import type { Scenario, ScenarioOutcome, ScriptedApproval } from './scenario.js';
import { scenarioStart } from './scenarios/checkout-service.js';

export type TimelineKind =
  | 'fault'
  | 'alarm'
  | 'state'
  | 'wait'
  | 'retry'
  | 'error'
  | 'approval'
  | 'change'
  | 'notify';

/** One line of a game day's story, in virtual time. */
export interface TimelineEntry {
  readonly at: string;
  /** Seconds since the fault was injected. */
  readonly offsetSeconds: number;
  readonly kind: TimelineKind;
  readonly text: string;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly runbook: string;
  readonly description: string;
  readonly outcome: 'passed' | 'failed';
  readonly expected: ScenarioOutcome;
  readonly actual: ScenarioOutcome;
  /** Fields where actual differs from expected. */
  readonly mismatches: (keyof ScenarioOutcome)[];
  readonly timeline: TimelineEntry[];
  readonly finalState: {
    readonly alias: {
      readonly functionName: string;
      readonly alias: string;
      readonly functionVersion: string;
      readonly weights: Record<string, number>;
    };
    readonly alarm: { readonly name: string; readonly state: string };
    readonly notifications: { readonly topic: string; readonly subject: string; readonly at: string }[];
  };
  readonly report: unknown;
  /** Virtual seconds from the alarm to the end of the runbook. */
  readonly runbookSeconds: number;
  /** Wall-clock milliseconds the whole scenario took. */
  readonly wallMs: number;
}

/** Longest the scenario waits for the fault to trip an alarm. */
const alarmDeadlineMinutes = 30;
/** Traffic before the fault, so alarms settle to OK. */
const warmUpMinutes = 30;

function scriptedApprover(answer: ScriptedApproval): Approver {
  switch (answer) {
    case 'approve':
      return () => ({ decision: 'approve', by: 'scripted-approver' });
    case 'reject':
      return () => ({
        decision: 'reject',
        by: 'scripted-approver',
        reason: 'rollback not wanted during the sale',
      });
    case 'no-answer':
      return () => ({ decision: 'no-answer' });
  }
}

/**
 * Runs one scenario end to end on a fresh simulated account: warm-up traffic, the fault, the alarm
 * it trips delivered through EventBridge, the runbook's state machine run locally against the
 * account, and a comparison of the final state with the expectation.
 */
export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const wallStart = performance.now();
  const runbook = findRunbook(scenario.runbook);
  const account = new SimulatedAccount({ start: scenarioStart });
  const world = scenario.setup(account);
  const timeline: TimelineEntry[] = [];
  let faultAt = account.clock.now().getTime();
  const add = (kind: TimelineKind, text: string, at: Date = account.clock.now()) =>
    timeline.push({
      at: at.toISOString(),
      offsetSeconds: Math.round((at.getTime() - faultAt) / 1000),
      kind,
      text,
    });

  const alarms: AlarmStateChangeEvent[] = [];
  let tracking = false;
  account.bus.addRule(
    { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
    (event: BusEvent) => {
      const detail = event.detail as AlarmStateChangeEvent['detail'];
      if (tracking)
        add('alarm', `${detail.alarmName}: ${detail.previousState.value} → ${detail.state.value}`);
      if (detail.state.value === 'ALARM') alarms.push(event as unknown as AlarmStateChangeEvent);
    },
  );
  let notified = 0;
  const flushNotifications = () => {
    for (const message of account.sns.published.slice(notified)) {
      const topic = message.topicArn.split(':').pop() ?? '';
      add('notify', `${topic}: ${message.subject}`, message.at);
    }
    notified = account.sns.published.length;
  };

  account.advance(warmUpMinutes * 60);
  alarms.length = 0;
  tracking = true;
  faultAt = account.clock.now().getTime();
  add('fault', scenario.inject(account, world));
  for (let minute = 0; minute < alarmDeadlineMinutes && alarms.length === 0; minute += 1) account.advance(60);

  const audit: AuditRecord[] = [];
  let report: unknown = null;
  let runbookSeconds = 0;
  const trigger = alarms[0];
  if (trigger) {
    const runStart = account.clock.now().getTime();
    logger.setLogLevel('SILENT');
    const result = await runLocally(runbook, trigger, {
      deps: {
        clients: account.clients(),
        now: () => account.clock.now(),
        audit: {
          record: (entry) => {
            audit.push(entry);
            add(
              'change',
              `${entry.action} ${entry.target}: ${JSON.stringify(entry.before)} → ${JSON.stringify(entry.after)}`,
            );
          },
        },
        environment: scenario.environment,
        topics: world.topics,
      },
      approver: scriptedApprover(scenario.approval),
      advanceTime: (seconds) => account.advance(seconds),
      executionName: `${scenario.id}-${trigger.detail.alarmName}`,
      onEvent: (event: LocalExecutionEvent) => {
        flushNotifications();
        timelineFor(event, add);
      },
    });
    flushNotifications();
    runbookSeconds = Math.round((account.clock.now().getTime() - runStart) / 1000);
    if (result.status === 'SUCCEEDED') report = result.output;
    else add('error', `execution failed: ${result.error}: ${result.cause}`);
  }

  const aliasNow = account.lambda.aliasConfig(world.functionName, world.alias);
  const outcomeOf = (r: unknown): ScenarioOutcome['runbookOutcome'] => {
    if (!trigger) return 'not-started';
    const outcome = (r as { outcome?: string } | null)?.outcome;
    return outcome === 'remediated' || outcome === 'escalated' ? outcome : 'execution-failed';
  };
  const actual: ScenarioOutcome = {
    runbookOutcome: outcomeOf(report),
    aliasVersion: aliasNow.functionVersion,
    alarmState: account.cloudwatch.alarmState(world.alarmName),
    changes: audit.length,
    escalations: account.sns.published.filter((m) => m.topicArn === world.topics.escalation).length,
  };
  const mismatches = (Object.keys(scenario.expected) as (keyof ScenarioOutcome)[]).filter(
    (key) => scenario.expected[key] !== actual[key],
  );
  return {
    scenario: scenario.id,
    runbook: runbook.id,
    description: scenario.description,
    outcome: mismatches.length === 0 ? 'passed' : 'failed',
    expected: scenario.expected,
    actual,
    mismatches,
    timeline,
    finalState: {
      alias: { functionName: world.functionName, alias: world.alias, ...aliasNow },
      alarm: { name: world.alarmName, state: actual.alarmState },
      notifications: account.sns.published.map((m) => ({
        topic: m.topicArn,
        subject: m.subject,
        at: m.at.toISOString(),
      })),
    },
    report,
    runbookSeconds,
    wallMs: Math.round(performance.now() - wallStart),
  };
}

function timelineFor(
  event: LocalExecutionEvent,
  add: (kind: TimelineKind, text: string, at?: Date) => void,
): void {
  switch (event.kind) {
    case 'entered':
      add('state', event.state, event.at);
      break;
    case 'waited':
      add('wait', `${event.state}: waited ${event.detail}`, event.at);
      break;
    case 'retried':
      add('retry', `${event.state}: ${event.detail}`, event.at);
      break;
    case 'failed':
      add('error', `${event.state}: ${event.detail}`, event.at);
      break;
    case 'caught':
      add('error', `${event.state}: caught ${event.detail}`, event.at);
      break;
    case 'approval':
      add('approval', `${event.state}: ${event.detail}`, event.at);
      break;
  }
}
