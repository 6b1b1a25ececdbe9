import { dispatchEvent } from '../handlers/dispatcher/dispatch-event.js';
import type { DispatcherConfig } from '../handlers/dispatcher/dispatcher-config.js';
import type { DispatchOutcome } from '../handlers/dispatcher/launch.js';
import type { StartRequest } from '../handlers/dispatcher/start-request.js';
import { alarmTriggerPattern } from '../handlers/dispatcher/trigger-patterns.js';
import type { AuditRecord } from '../handlers/lib/audit-trail.js';
import type { Environment, StepDeps } from '../handlers/lib/step-deps.js';
import { releaseLease } from '../handlers/shared/release-lease.js';
import { definitions } from '../runbooks/definitions.js';
import { deployedRunbook } from '../runbooks/deployment.js';
import type { RunbookDefinition } from '../runbooks/index.js';
import {
  type Approver,
  type LocalExecutionEvent,
  type LocalRunResult,
  runLocally,
} from '../state-machines/local-executor.js';
import type { BusEvent } from './account/event-bus.js';
import type { LocalEngineEvent } from './account/execution-history.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import type { SimulatedExecution } from './account/simulated-step-functions.js';

/** The timeout of the platform's step functions in AWS (PlatformFunction's default). */
export const stepTimeoutMs = 30_000;
/** The platform's idempotency table, shared by steps and the rotation function. */
export const idempotencyTableName = 'runbook-idempotency';

export interface PlatformObserver {
  readonly onDispatch?: (event: BusEvent | StartRequest, outcome: DispatchOutcome) => void;
  readonly onStateEvent?: (execution: SimulatedExecution, event: LocalExecutionEvent) => void;
  /** Every execution history event, with state input and output. */
  readonly onHistory?: (execution: SimulatedExecution, event: unknown) => void;
  readonly onAudit?: (record: AuditRecord) => void;
  readonly onFinished?: (execution: SimulatedExecution, result: LocalRunResult) => void;
}

/**
 * The platform deployed into a simulated account, wired as the CDK app wires it in AWS: alarm
 * state changes → dispatcher → Step Functions (run locally) → step handlers; failed executions →
 * lease release. Events arriving while a runbook runs are dispatched at once, so locks and
 * duplicates behave as they would with concurrent deliveries.
 */
export class SimulatedPlatform {
  readonly topics: { escalation: string; approvals: string };
  readonly leaseTable = 'runbook-leases';
  readonly idempotencyTable = idempotencyTableName;
  readonly approvalTable = 'runbook-approvals';
  readonly stepDeps: StepDeps;
  readonly dispatcherConfig: DispatcherConfig;
  readonly results = new Map<string, LocalRunResult>();
  private readonly inbox: (BusEvent | StartRequest)[] = [];
  private readonly releases: Promise<unknown>[] = [];
  private readonly machines = new Map<string, RunbookDefinition>();

  constructor(
    private readonly account: SimulatedAccount,
    environment: Environment,
    private readonly approver: Approver,
    private readonly observer: PlatformObserver = {},
  ) {
    this.topics = {
      escalation: account.sns.createTopic('runbook-escalations'),
      approvals: account.sns.createTopic('runbook-approvals'),
    };
    account.dynamodb.createTable(this.leaseTable, ['pk']);
    account.dynamodb.createTable(this.idempotencyTable, ['id']);
    account.dynamodb.createTable(this.approvalTable, ['approvalId']);
    const deployed: DispatcherConfig['runbooks'] = {};
    for (const runbook of definitions) {
      const arn = account.stepFunctions.createStateMachine(`runbook-${runbook.id}`);
      this.machines.set(arn, runbook);
      deployed[runbook.id] = deployedRunbook(runbook, arn);
    }
    this.dispatcherConfig = { routes: [], runbooks: deployed, leaseTable: this.leaseTable };
    const clients = account.clients();
    this.stepDeps = {
      clients,
      now: () => account.clock.now(),
      audit: { record: (entry) => observer.onAudit?.(entry) },
      environment,
      topics: this.topics,
      leaseTable: this.leaseTable,
      idempotencyTable: this.idempotencyTable,
      approvalTable: this.approvalTable,
      // Each step gets the platform functions' Lambda timeout.
      remainingTimeMs: () => stepTimeoutMs,
      // While a step waits, the account lives on: consumers consume, move tasks move.
      sleep: async (ms) => {
        account.advance(ms / 1000);
        await account.runServices();
      },
    };
    account.bus.addRule(alarmTriggerPattern, (event) => this.inbox.push(event));
    account.bus.addRule(
      {
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventName: ['RotationFailed'] },
      },
      (event) => this.inbox.push(event),
    );
    account.bus.addRule(
      {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      (event) => this.releases.push(releaseLease(event as never, this.stepDeps)),
    );
  }

  /**
   * Moves virtual time forward a minute at a time, dispatching the alarms that fire in each minute
   * before the next, as EventBridge delivers them within seconds.
   */
  async advance(seconds: number): Promise<void> {
    let left = seconds;
    await this.account.runServices();
    while (left > 0) {
      const step = Math.min(60, left);
      this.account.advance(step);
      left -= step;
      await this.account.runServices();
      await this.dispatchInbox();
    }
  }

  /**
   * Sends the dispatcher a start request, as a person (`runbook start`) or a schedule's rule (its
   * constant input) does; it is dispatched at once, with any events pending.
   */
  async request(startRequest: StartRequest): Promise<void> {
    this.inbox.push(startRequest);
    await this.dispatchInbox();
  }

  /** Dispatches pending events and runs every started execution until nothing is left to do. */
  async settle(): Promise<void> {
    await this.dispatchInbox();
    for (
      let execution = this.account.stepFunctions.pending.shift();
      execution;
      execution = this.account.stepFunctions.pending.shift()
    ) {
      await this.run(execution);
      await Promise.all(this.releases.splice(0));
      await this.dispatchInbox();
    }
  }

  private async dispatchInbox(): Promise<void> {
    const deps = {
      clients: this.stepDeps.clients,
      now: this.stepDeps.now,
      metrics: { count: () => undefined },
      config: this.dispatcherConfig,
    };
    for (const event of this.inbox.splice(0)) {
      // Dispatch first: an optional call skips evaluating its arguments when there is no observer.
      for (const outcome of await dispatchEvent(event, deps)) this.observer.onDispatch?.(event, outcome);
    }
  }

  private async run(execution: SimulatedExecution): Promise<void> {
    const runbook = this.machines.get(execution.stateMachine);
    if (!runbook) throw new Error(`no runbook is deployed as ${execution.stateMachine}`);
    const result = await runLocally(runbook, JSON.parse(execution.input), {
      deps: this.stepDeps,
      approver: this.approver,
      advanceTime: (seconds) => this.advance(seconds),
      executionName: execution.name,
      arns: { execution: execution.executionArn, stateMachine: execution.stateMachine },
      onEvent: (event) => this.observer.onStateEvent?.(execution, event),
      onHistory: (event) => {
        this.account.stepFunctions.history.addLocal(execution.executionArn, event as LocalEngineEvent);
        this.observer.onHistory?.(execution, event);
      },
    });
    this.results.set(execution.name, result);
    this.account.stepFunctions.finish(
      execution,
      result.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
      result.status === 'SUCCEEDED' ? result.output : undefined,
    );
    this.observer.onFinished?.(execution, result);
  }
}
