import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AlarmStateChangeEvent } from '../handlers/lib/alarm-event.js';
import type { AuditRecord } from '../handlers/lib/audit-trail.js';
import { logger } from '../handlers/lib/observability.js';
import { findRunbook } from '../runbooks/index.js';
import type { Approver, LocalExecutionEvent } from '../state-machines/local-executor.js';
import type { BusEvent } from './account/event-bus.js';
import { SimulatedAccount } from './account/simulated-account.js';
import { mismatchesOf, type Scenario, type ScenarioOutcome, type ScriptedApproval } from './scenario.js';
import { scenarioStart } from './scenarios/checkout-service.js';
import { SimulatedPlatform } from './simulated-platform.js';

export type TimelineKind =
  | 'fault'
  | 'alarm'
  | 'dispatch'
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
    readonly executions: { readonly name: string; readonly status: string }[];
    /** Leases and cool-downs left in the lease table. */
    readonly leases: Record<string, unknown>[];
  };
  readonly report: unknown;
  /** Virtual seconds from the first alarm to the end of the last execution. */
  readonly runbookSeconds: number;
  /** Wall-clock milliseconds the whole scenario took. */
  readonly wallMs: number;
}

/** Longest the scenario waits for the fault to trip an alarm. */
const alarmDeadlineMinutes = 30;
/** Traffic before the fault, so alarms settle to OK. */
const warmUpMinutes = 30;
/** How long the scripted approver takes to answer: people read before they click. */
const approverSeconds = 240;

export function scriptedApprover(answer: ScriptedApproval): Approver {
  switch (answer) {
    case 'approve':
      return () => ({ decision: 'approve', by: 'scripted-approver', afterSeconds: approverSeconds });
    case 'reject':
      return () => ({
        decision: 'reject',
        by: 'scripted-approver',
        reason: 'rollback not wanted during the sale',
        afterSeconds: approverSeconds,
      });
    case 'no-answer':
      return () => ({ decision: 'no-answer' });
  }
}

/**
 * Runs one scenario end to end on a fresh simulated account with the platform deployed into it:
 * warm-up traffic, the fault, the alarm it trips delivered through EventBridge to the dispatcher,
 * the runbook's state machine run locally against the account, and a comparison of the final
 * state with the expectation.
 */
export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const wallStart = performance.now();
  // The timeline tells the story; the handlers' structured logs would only repeat it.
  logger.setLogLevel('SILENT');
  const runbook = findRunbook(scenario.runbook);
  const account = new SimulatedAccount({ start: scenarioStart });
  const world = scenario.setup(account);
  const timeline: TimelineEntry[] = [];
  let faultAt = account.clock.now().getTime();
  let tracking = false;
  const add = (kind: TimelineKind, text: string, at: Date = account.clock.now()) => {
    if (tracking)
      timeline.push({
        at: at.toISOString(),
        offsetSeconds: Math.round((at.getTime() - faultAt) / 1000),
        kind,
        text,
      });
  };

  let notified = 0;
  const flushNotifications = () => {
    for (const message of account.sns.published.slice(notified)) {
      add('notify', `${message.topicArn.split(':').pop() ?? ''}: ${message.subject}`, message.at);
    }
    notified = account.sns.published.length;
  };
  const audit: AuditRecord[] = [];
  let firstStart: number | undefined;
  let lastEnd: number | undefined;
  const platform = new SimulatedPlatform(account, scenario.environment, scriptedApprover(scenario.approval), {
    onDispatch: (_event, outcome) =>
      add(
        'dispatch',
        outcome.action === 'start' ? `started ${outcome.executionName}` : `ignored: ${outcome.reason}`,
      ),
    onStateEvent: (_execution, event) => {
      flushNotifications();
      timelineFor(event, add);
    },
    onAudit: (entry) => {
      audit.push(entry);
      add(
        'change',
        `${entry.action} ${entry.target}: ${JSON.stringify(entry.before)} → ${JSON.stringify(entry.after)}`,
      );
    },
    onFinished: (_execution, result) => {
      flushNotifications();
      lastEnd = account.clock.now().getTime();
      if (result.status === 'FAILED') add('error', `execution failed: ${result.error}: ${result.cause}`);
    },
  });
  account.bus.addRule(
    { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
    (event: BusEvent) => {
      const detail = event.detail as AlarmStateChangeEvent['detail'];
      const again = (event as { redelivery?: boolean }).redelivery ? ' (delivered again)' : '';
      add('alarm', `${detail.alarmName}: ${detail.previousState.value} → ${detail.state.value}${again}`);
      if (detail.state.value === 'ALARM') firstStart ??= account.clock.now().getTime();
    },
  );
  // EventBridge delivers at least once: scenarios may ask for repeated deliveries of each alarm event.
  const extraDeliveries = (scenario.deliveries ?? 1) - 1;
  if (extraDeliveries > 0) {
    account.bus.addRule({ source: ['aws.cloudwatch'], detail: { state: { value: ['ALARM'] } } }, (event) => {
      if ((event as { redelivery?: boolean }).redelivery) return;
      for (let i = 0; i < extraDeliveries; i += 1)
        account.bus.put({ ...event, redelivery: true } as BusEvent);
    });
  }

  await platform.advance(warmUpMinutes * 60);
  await platform.settle();
  tracking = true;
  faultAt = account.clock.now().getTime();
  add('fault', scenario.inject(account, world));
  for (
    let minute = 0;
    minute < alarmDeadlineMinutes && account.stepFunctions.all().length === 0;
    minute += 1
  ) {
    await platform.advance(60);
    await platform.settle();
  }
  flushNotifications();
  // Entries arrive from several sources; order them by virtual time, keeping arrival order on ties.
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const executions = account.stepFunctions.all().filter((e) => e.startDate.getTime() >= faultAt);
  const first = executions[0];
  const result = first ? platform.results.get(first.name) : undefined;
  const report = result?.status === 'SUCCEEDED' ? result.output : null;
  const aliasNow = account.lambda.aliasConfig(world.functionName, world.alias);
  const outcome = (report as { outcome?: string } | null)?.outcome;
  const actual: ScenarioOutcome = {
    runbookOutcome: !first
      ? 'not-started'
      : outcome === 'remediated' || outcome === 'escalated'
        ? outcome
        : 'execution-failed',
    executions: executions.length,
    aliasVersion: aliasNow.functionVersion,
    alarmState: account.cloudwatch.alarmState(world.alarmName),
    changes: audit.length,
    escalations: account.sns.published.filter((m) => m.topicArn === platform.topics.escalation).length,
  };
  const mismatches = mismatchesOf(scenario.expected, actual);
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
      executions: executions.map((e) => ({ name: e.name, status: e.status })),
      leases: account.dynamodb.scan(platform.leaseTable).map((item) => unmarshall(item)),
    },
    report,
    runbookSeconds:
      firstStart !== undefined && lastEnd !== undefined ? Math.round((lastEnd - firstStart) / 1000) : 0,
    wallMs: Math.round(performance.now() - wallStart),
  };
}

export function timelineFor(
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
