import type { StartRequest } from '../handlers/dispatcher/start-request.js';
import type { AuditRecord } from '../handlers/lib/audit-trail.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { LocalRunResult } from '../state-machines/local-executor.js';
import type { AccountIdentity } from './account/account-identity.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import type { SimulatedOrganization } from './account/simulated-organization.js';
import type { GameDayFault } from './faults/game-day-fault.js';
import type { PlatformConfigurationName } from './iam/platform-configurations.js';
import type { DeploymentSettings } from './iam/platform-deployment.js';

/** Start of every game day's virtual time. */
export const scenarioStart = new Date('2026-03-02T09:00:00Z');

/** A member account of a game day's organization. */
export interface WorkloadAccount {
  readonly accountId: string;
  /** Whether the spoke stack is deployed there (its role, its forwarding rules). */
  readonly spoke: boolean;
  /**
   * The organizational unit it is in (whose spoke stack it then has).
   * @default the organization's root
   */
  readonly organizationalUnitId?: string;
}

/** What a person can reach in a game day: the platform's account and its lease table. */
export interface PlatformAccess {
  readonly hub: SimulatedAccount;
  readonly leaseTable: string;
}

/** Something that happens after the runs the fault started: a second fault, a person's command. */
export interface LaterEvent<World> {
  /** Minutes after the fault; when the runs took longer, it happens as soon as they end. */
  readonly afterMinutes: number;
  /** Whether the timeline tells it as a fault or as what a person did. */
  readonly kind: 'fault' | 'person';
  /** Does it; returns what was done, for the timeline. */
  act(account: SimulatedAccount, world: World, platform: PlatformAccess): string | Promise<string>;
}

/** How the scripted approver answers approval requests. */
export type ScriptedApproval = 'approve' | 'reject' | 'no-answer';

/** An execution the platform started after the fault, and how it ended. */
export interface ExecutionFacts {
  readonly name: string;
  readonly status: string;
  readonly result?: LocalRunResult;
}

/** What the runner saw happen, for a scenario to read its outcome from. */
export interface RunFacts {
  /** Executions started since the fault, in start order. */
  readonly executions: readonly ExecutionFacts[];
  /** The first execution's output (its runbook's report) when it succeeded, else null. */
  readonly report: unknown;
  /** Every change a runbook recorded in the audit trail. */
  readonly changes: readonly AuditRecord[];
  /** Messages sent to the escalation topic. */
  readonly escalations: number;
  /** The platform's account and lease table, to read what the platform keeps (the breaker). */
  readonly platform: PlatformAccess;
}

/**
 * A game day: an account set up, a fault injected, and the outcome to expect, read back from the
 * account when the runbook is done. One contract for every runbook: `World` is what `setup` built
 * (names, and state the scenario's simulated services keep), `Outcome` what is compared field by
 * field with `expected`, `Final` what the account looks like at the end. The runner owns the clock,
 * dispatch, approver, timeline and comparison.
 */
export interface Scenario<World = unknown, Outcome extends object = object, Final extends object = object> {
  readonly id: string;
  readonly runbook: string;
  readonly description: string;
  readonly environment: Environment;
  /** How the scripted approver answers. Default: approve. */
  readonly approval?: ScriptedApproval;
  /** How many times EventBridge delivers each alarm event (it guarantees at least once). Default: 1. */
  readonly deliveries?: number;
  /** Minutes of normal operation before the fault, so alarms settle. Default: 30. */
  readonly warmUpMinutes?: number;
  /** Longest the runner waits after the fault for a runbook to start. Default: 30 minutes. */
  readonly detectionMinutes?: number;
  /** Minutes the account runs on after the runbook, e.g. for consumers to work off a replay. Default: 0. */
  readonly aftermathMinutes?: number;
  readonly expected: Outcome;
  /**
   * Settings the platform needs for this game day beyond any configuration's (what a team names
   * for its own resources, such as the secrets it rotates), over the account's identity.
   * @default none
   */
  readonly settings?: (identity: AccountIdentity) => DeploymentSettings;
  /**
   * The platform configuration this game day is about: it runs in that one only (a target left
   * out of the scoped configuration, say).
   * @default every configuration
   */
  readonly configuration?: PlatformConfigurationName;
  /**
   * Actions IAM denies the platform in this game day (a target out of scope); any other denial
   * fails the game day.
   * @default none
   */
  readonly deniedActions?: readonly string[];
  /**
   * The game day runs in an AWS Organization: the platform in a hub account, the workload in the
   * first of these member accounts (the account every other callback gets), with the spoke stack
   * where `spoke` says so.
   * @default one account: the workload beside the platform
   */
  readonly organization?: {
    readonly id: string;
    readonly accounts: readonly [WorkloadAccount, ...WorkloadAccount[]];
  };
  /** Builds the workload in the account, after the platform is deployed (into it, or its hub). */
  setup(account: SimulatedAccount, organization?: SimulatedOrganization): World;
  /**
   * The fault as it is injected in a sandbox account too (FIS, or a deployment through the Lambda
   * API): a closed-loop game day that `runbook gameday run --aws` can drive. Otherwise `inject`.
   */
  readonly fault?: GameDayFault;
  /** The alarm the closed loop watches: time to detect is fault → ALARM, time to mitigate fault → OK. */
  readonly watchAlarm?: string;
  /** Injects a simulator-only fault; returns what was done, for the timeline. */
  inject?(account: SimulatedAccount, world: World): string;
  /**
   * How the runbook starts when no alarm starts it: the start request a person or a schedule sends
   * the dispatcher right after the fault.
   */
  startRequest?(world: World): StartRequest;
  /**
   * The minute after the fault the start request is sent (a person starts the runbook once the
   * fix is in).
   * @default right after the fault
   */
  readonly startRequestAtMinute?: number;
  /** What happens in minute `minute` after the fault while no runbook runs yet (a fix deployed, say). */
  during?(account: SimulatedAccount, world: World, minute: number): string | undefined;
  /** Faults of the runbook's own calls while it runs; returns what was done, for the timeline. */
  whileRunning?(account: SimulatedAccount, world: World): string | undefined;
  /** Ends what `whileRunning` started, once the runbook is done. */
  afterRunning?(account: SimulatedAccount, world: World): void;
  /**
   * What happens once the runs the fault started have ended, in order, each followed by the runs
   * it starts.
   * @default nothing
   */
  readonly later?: readonly LaterEvent<World>[];
  outcome(account: SimulatedAccount, world: World, facts: RunFacts): Outcome | Promise<Outcome>;
  /** What the account looks like at the end, for `runbook simulate --json`. */
  finalState(account: SimulatedAccount, world: World): Final | Promise<Final>;
  /** The outcome in one line, as people read it. */
  summary(actual: Outcome): string;
}

/** The fields where a game day's outcome differs from what it expected. */
export function mismatchesOf<O extends object>(expected: O, actual: O): (keyof O)[] {
  return (Object.keys(expected) as (keyof O)[]).filter((key) => expected[key] !== actual[key]);
}

/** How a runbook's first execution ended, as outcomes name it: its report's outcome when it succeeded. */
export function runbookOutcomeOf<T extends string>(
  facts: RunFacts,
  reported: (report: unknown) => T | undefined,
): T | 'not-started' | 'execution-failed' {
  if (facts.executions.length === 0) return 'not-started';
  return (facts.report === null ? undefined : reported(facts.report)) ?? 'execution-failed';
}
