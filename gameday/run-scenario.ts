import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AlarmStateChangeEvent } from '../handlers/lib/alarm-event.js';
import type { AuditRecord } from '../handlers/lib/audit-trail.js';
import { logger } from '../handlers/lib/observability.js';
import type { RunbookDefinition } from '../runbooks/runbook.js';
import type { Approver } from '../state-machines/local-executor.js';
import type { AccountIdentity } from './account/account-identity.js';
import type { BusEvent } from './account/event-bus.js';
import type { FaultScheduleOptions } from './account/faults/call-faults.js';
import { type Denial, denialMessage } from './account/iam/access-denied.js';
import { SimulatedAccount } from './account/simulated-account.js';
import { SimulatedOrganization } from './account/simulated-organization.js';
import { ResourceWatch, type WatchedRun } from './fault-schedules/resource-watch.js';
import type { DeployedPlatform } from './iam/deployed-platform.js';
import {
  defaultConfiguration,
  type PlatformConfiguration,
  platformConfiguration,
} from './iam/platform-configurations.js';
import type { DeploymentSettings } from './iam/platform-deployment.js';
import { injectFault } from './inject-fault.js';
import { evidenceOfRun, type RunEvidence } from './run-evidence.js';
import {
  type ExecutionFacts,
  mismatchesOf,
  type RunFacts,
  type Scenario,
  type ScriptedApproval,
  scenarioStart,
} from './scenario.js';
import { SimulatedPlatform } from './simulated-platform.js';
import {
  describeChange,
  detectionOf,
  type TimelineEntry,
  type TimelineKind,
  timelineFor,
} from './timeline.js';

export interface ScenarioResult<Outcome extends object = object, Final extends object = object> {
  readonly scenario: string;
  readonly runbook: string;
  readonly description: string;
  readonly outcome: 'passed' | 'failed';
  readonly expected: Outcome;
  readonly actual: Outcome;
  /** Fields where actual differs from expected. */
  readonly mismatches: (keyof Outcome)[];
  /**
   * Calls of the platform IAM denied, in AWS's words, that the game day did not expect (a denial
   * is a misconfiguration unless the game day is about one), and denials it expected that did not
   * happen. Any fails the game day.
   */
  readonly accessMismatches: string[];
  /** The actual outcome in one line. */
  readonly summary: string;
  /** The expected outcome in the same words. */
  readonly expectedSummary: string;
  readonly timeline: TimelineEntry[];
  /** The scenario's view of the account at the end, plus every execution and the lease table. */
  readonly finalState: Final & {
    readonly executions: { readonly name: string; readonly status: string }[];
    /** Leases and cool-downs left in the lease table. */
    readonly leases: Record<string, unknown>[];
    /** When the state was read: epoch seconds on the platform account's clock. */
    readonly readAt: number;
  };
  readonly report: unknown;
  /** Virtual seconds from the first runbook start to the end of the last execution. */
  readonly runbookSeconds: number;
  /** Seconds from the fault to the (watched, else first) alarm going to ALARM; null when none did. */
  readonly timeToDetectSeconds: number | null;
  /** Seconds from the fault to that alarm returning to OK; null when it did not. */
  readonly timeToMitigateSeconds: number | null;
  /** Wall-clock milliseconds the whole scenario took. */
  readonly wallMs: number;
  /** Each execution's signed evidence record, when asked for (`evidence`). */
  readonly evidence?: RunEvidence;
  /** The workload's resource states and the faults met, under a fault schedule (`faultSchedule`). */
  readonly watched?: WatchedRun;
}

/** The accounts of a game day: the platform's (the hub), and every account, the hub's first. */
export interface RunAccounts {
  readonly hub: SimulatedAccount;
  readonly all: readonly SimulatedAccount[];
}

/** What a caller may watch besides the result: the handlers' logs, the account, execution history. */
export interface RunOptions {
  /** The handlers' log level. Default: silent (the timeline tells the story). */
  readonly logLevel?: 'SILENT' | 'DEBUG' | 'INFO';
  /**
   * Called with the fresh workload account before setup, to inspect it afterwards, and the
   * accounts of the run (the hub and the workload accounts of an organization).
   */
  readonly onAccount?: (account: SimulatedAccount, accounts: RunAccounts) => void;
  /** Every execution history event of every execution, with state input and output. */
  readonly onHistory?: (event: unknown) => void;
  /**
   * How the platform is deployed (its IAM follows). A game day pinned to a configuration runs in
   * that one whatever this says.
   * @default the CDK app's defaults
   */
  readonly configuration?: PlatformConfiguration;
  /**
   * A deployment to install as it is instead of the configuration's (a what-if).
   * @default the configuration's
   */
  readonly deployment?: DeployedPlatform;
  /**
   * Whether to build and sign each execution's evidence record, as the deployed platform does.
   * @default false
   */
  readonly evidence?: boolean;
  /**
   * The runbooks the platform deploys: a team's own beside the built-in ones (`loadDefinitions`).
   * @default the built-in catalogue
   */
  readonly runbooks?: readonly RunbookDefinition[];
  /**
   * Faults at the platform's AWS calls from the game day's fault on, on this seeded schedule, with
   * the workload's resource state watched (no faults in the schedule: watched, nothing injected).
   * @default no fault, not watched
   */
  readonly faultSchedule?: FaultScheduleOptions;
}

/**
 * The settings a game day's platform is deployed with: the configuration's (the one it is pinned
 * to, if any), the game day's own, and its environment, whatever the configuration's.
 */
export function deploymentSettings(
  scenario: Pick<Scenario, 'configuration' | 'settings' | 'environment'>,
  configuration: PlatformConfiguration,
  hub: AccountIdentity,
): DeploymentSettings {
  const pinned = scenario.configuration ? platformConfiguration(scenario.configuration) : configuration;
  return {
    ...pinned.settings,
    ...scenario.settings?.(hub),
    'runbooks:environment': scenario.environment,
  };
}

/** Denials the game day did not expect, and expected denials that did not happen. */
function accessMismatchesOf(denied: readonly Denial[], expected: readonly string[]): string[] {
  return [
    ...denied.filter((d) => !expected.includes(d.action)).map((d) => `denied: ${denialMessage(d)}`),
    ...expected
      .filter((action) => !denied.some((d) => d.action === action))
      .map((a) => `not denied, as expected: ${a}`),
  ];
}

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
 * Runs one game day end to end on a fresh simulated account with the platform deployed into it:
 * normal operation, the fault, the alarm it trips delivered through EventBridge to the dispatcher,
 * the runbook's state machine run locally against the account, and the outcome read back from the
 * account and compared with the expectation.
 */
export async function runScenario<World, Outcome extends object, Final extends object>(
  scenario: Scenario<World, Outcome, Final>,
  options: RunOptions = {},
): Promise<ScenarioResult<Outcome, Final>> {
  const wallStart = performance.now();
  // The timeline tells the story; the handlers' structured logs would only repeat it.
  logger.setLogLevel(options.logLevel ?? 'SILENT');
  const hub = new SimulatedAccount({ start: scenarioStart });
  const organization = scenario.organization
    ? new SimulatedOrganization(scenario.organization.id, hub)
    : undefined;
  const members = (scenario.organization?.accounts ?? []).map((member) =>
    (organization as SimulatedOrganization).addAccount(
      member.accountId,
      undefined,
      member.organizationalUnitId,
    ),
  );
  // The workload lives in the first member account of an organization, else beside the platform.
  const account = members[0] ?? hub;
  options.onAccount?.(account, { hub, all: organization?.accounts ?? [hub] });
  const configuration = options.configuration ?? defaultConfiguration;
  const timeline: TimelineEntry[] = [];
  let faultAt = account.clock.now().getTime();
  let tracking = false;
  const add = (kind: TimelineKind, text: string, at: Date = account.clock.now()) => {
    if (!tracking) return;
    timeline.push({
      at: at.toISOString(),
      offsetSeconds: Math.round((at.getTime() - faultAt) / 1000),
      kind,
      text,
    });
  };

  let notified = 0;
  const flushNotifications = () => {
    for (const message of hub.sns.published.slice(notified)) {
      add('notify', `${message.topicArn.split(':').pop() ?? ''}: ${message.subject}`, message.at);
    }
    notified = hub.sns.published.length;
  };
  const changes: AuditRecord[] = [];
  let firstStart: number | undefined;
  let watch: ResourceWatch | undefined;
  let lastEnd: number | undefined;
  const platform = await SimulatedPlatform.deploy(hub, {
    environment: scenario.environment,
    approver: scriptedApprover(scenario.approval ?? 'approve'),
    settings: deploymentSettings(scenario, configuration, hub.identity),
    ...(options.deployment ? { deployment: options.deployment } : {}),
    ...(options.runbooks ? { runbooks: options.runbooks } : {}),
    ...(organization
      ? {
          organization,
          spokeAccounts: (scenario.organization?.accounts ?? [])
            .filter((member) => member.spoke)
            .map((member) => member.accountId),
        }
      : {}),
    observer: {
      onDispatch: (_event, outcome) => {
        if (outcome.action === 'start') firstStart ??= account.clock.now().getTime();
        add(
          'dispatch',
          outcome.action === 'start' ? `started ${outcome.executionName}` : `ignored: ${outcome.reason}`,
        );
      },
      ...(options.onHistory ? { onHistory: (_execution, event) => options.onHistory?.(event) } : {}),
      onStateEvent: (_execution, event) => {
        flushNotifications();
        timelineFor(event, add);
      },
      onStarted: () => watch?.started(),
      onAudit: (entry) => {
        changes.push(entry);
        // A change in a workload account is named with its account, as its alarm is.
        const where = entry.account && entry.account !== hub.identity.accountId ? `${entry.account}/` : '';
        add(
          'change',
          `${entry.action} ${where}${entry.target}: ${describeChange(entry.before, entry.after)}`,
        );
      },
      onFinished: (_execution, result) => {
        flushNotifications();
        lastEnd = account.clock.now().getTime();
        if (result.status === 'FAILED') add('error', `execution failed: ${result.error}: ${result.cause}`);
      },
      onUndelivered: (what) => add('error', what),
    },
  });
  const world = scenario.setup(account, organization);
  // Alarms as their account's bus sees them, and as the hub's does (where a forwarded one arrives):
  // each transition once, redeliveries said so.
  const told = new Set<string>();
  for (const bus of [hub.bus, ...members.map((m) => m.bus)]) {
    bus.addRule(
      { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
      (event: BusEvent) => {
        const again = (event as { redelivery?: boolean }).redelivery === true;
        if (!again && told.has(event.id)) return;
        told.add(event.id);
        const detail = event.detail as AlarmStateChangeEvent['detail'];
        // An alarm of another account (a spoke's) is named with its account.
        const of = event.account === hub.identity.accountId ? '' : `${event.account}/`;
        const note = again ? ' (delivered again)' : '';
        add(
          'alarm',
          `${of}${detail.alarmName}: ${detail.previousState.value} → ${detail.state.value}${note}`,
        );
      },
    );
  }
  hub.bus.addRule({ source: ['aws.secretsmanager'] }, (event: BusEvent) => {
    const detail = event.detail as { eventName?: string; errorMessage?: string };
    add(
      'event',
      `Secrets Manager: ${detail.eventName}${detail.errorMessage ? ` (${detail.errorMessage})` : ''}`,
    );
  });
  // EventBridge delivers at least once: scenarios may ask for repeated deliveries of each alarm event.
  const extraDeliveries = (scenario.deliveries ?? 1) - 1;
  if (extraDeliveries > 0) {
    hub.bus.addRule({ source: ['aws.cloudwatch'], detail: { state: { value: ['ALARM'] } } }, (event) => {
      if ((event as { redelivery?: boolean }).redelivery) return;
      for (let i = 0; i < extraDeliveries; i += 1) hub.bus.put({ ...event, redelivery: true } as BusEvent);
    });
  }

  await platform.advance((scenario.warmUpMinutes ?? 30) * 60);
  await platform.settle();
  tracking = true;
  faultAt = account.clock.now().getTime();
  add('fault', await injectFault(scenario, account, world, (ms) => platform.advance(ms / 1000)));
  const accounts = organization?.accounts ?? [hub];
  if (options.faultSchedule) {
    watch = new ResourceWatch(account, options.faultSchedule);
    watch.arm(accounts);
  }
  const request = scenario.startRequest?.(world);
  const sendRequest = async () => {
    if (!request) return;
    add(
      'dispatch',
      `start request from ${request.startRequest.requestedBy}: ${request.startRequest.runbook} on ${request.startRequest.target ?? request.startRequest.alarm}`,
    );
    await platform.request(request);
  };
  if (scenario.startRequestAtMinute === undefined) await sendRequest();
  const started = () => hub.stepFunctions.all().some((e) => e.startDate.getTime() >= faultAt);
  // A fault that took time to apply (a deployment) ends between minutes: wait for the next one, so
  // alarms are dispatched in the minute they fire, as EventBridge delivers them within seconds.
  const intoMinute = (account.clock.now().getTime() / 1000) % 60;
  if (intoMinute > 0) await platform.advance(60 - intoMinute);
  for (let minute = 1; minute <= (scenario.detectionMinutes ?? 30) && !started(); minute += 1) {
    const happened = scenario.during?.(account, world, minute);
    if (happened) add('fault', happened);
    if (minute === scenario.startRequestAtMinute) await sendRequest();
    if (started()) break;
    await platform.advance(60);
  }
  const injected = scenario.whileRunning?.(account, world);
  if (injected) add('fault', injected);
  await platform.settle();
  scenario.afterRunning?.(account, world);
  for (const event of scenario.later ?? []) {
    const due = faultAt + event.afterMinutes * 60_000 - hub.clock.now().getTime();
    if (due > 0) await platform.advance(due / 1000);
    const before = hub.stepFunctions.all().length;
    add(event.kind, await event.act(account, world, { hub, leaseTable: platform.leaseTable }));
    // A fault is given the time to be detected that the first one was.
    const wait = event.kind === 'fault' ? (scenario.detectionMinutes ?? 30) : 0;
    for (let minute = 1; minute <= wait && hub.stepFunctions.all().length === before; minute += 1)
      await platform.advance(60);
    await platform.settle();
  }
  await platform.advance((scenario.aftermathMinutes ?? 0) * 60);
  const watched = watch?.finish(accounts);
  flushNotifications();
  // Entries arrive from several sources; order them by virtual time, keeping arrival order on ties.
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const { detected, mitigated } = detectionOf(timeline, scenario.watchAlarm);
  const executions: ExecutionFacts[] = hub.stepFunctions
    .all()
    .filter((e) => e.startDate.getTime() >= faultAt)
    .map((e) => {
      const result = platform.results.get(e.name);
      return { name: e.name, status: e.status, ...(result ? { result } : {}) };
    });
  const first = executions[0]?.result;
  const facts: RunFacts = {
    executions,
    report: first?.status === 'SUCCEEDED' ? first.output : null,
    changes,
    escalations: hub.sns.published.filter((m) => m.topicArn === platform.topics.escalation).length,
    platform: { hub, leaseTable: platform.leaseTable },
  };
  const actual = await scenario.outcome(account, world, facts);
  const evidence = options.evidence ? await evidenceOfRun(hub, platform) : undefined;
  const mismatches = mismatchesOf(scenario.expected, actual);
  const accessMismatches = accessMismatchesOf(
    (organization?.accounts ?? [hub]).flatMap((a) => a.iam.denied),
    scenario.deniedActions ?? [],
  );
  return {
    scenario: scenario.id,
    runbook: scenario.runbook,
    description: scenario.description,
    outcome: mismatches.length === 0 && accessMismatches.length === 0 ? 'passed' : 'failed',
    expected: scenario.expected,
    actual,
    mismatches,
    accessMismatches,
    summary: scenario.summary(actual),
    expectedSummary: scenario.summary(scenario.expected),
    timeline,
    finalState: {
      ...(await scenario.finalState(account, world)),
      executions: executions.map(({ name, status }) => ({ name, status })),
      leases: hub.dynamodb.scan(platform.leaseTable).map((item) => unmarshall(item)),
      readAt: Math.floor(hub.clock.now().getTime() / 1000),
    },
    report: facts.report,
    runbookSeconds:
      firstStart !== undefined && lastEnd !== undefined ? Math.round((lastEnd - firstStart) / 1000) : 0,
    timeToDetectSeconds: detected,
    timeToMitigateSeconds: mitigated,
    wallMs: Math.round(performance.now() - wallStart),
    ...(evidence ? { evidence } : {}),
    ...(watched ? { watched } : {}),
  };
}
