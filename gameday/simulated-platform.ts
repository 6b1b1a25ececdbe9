import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { dispatchEvent } from '../handlers/dispatcher/dispatch-event.js';
import type { DispatcherConfig } from '../handlers/dispatcher/dispatcher-config.js';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import type { DispatchOutcome } from '../handlers/dispatcher/launch.js';
import type { StartRequest } from '../handlers/dispatcher/start-request.js';
import { type EvidenceWriterDeps, writeEvidence } from '../handlers/evidence/write-evidence.js';
import type { AuditRecord } from '../handlers/lib/audit-trail.js';
import { tableAuditTrail } from '../handlers/lib/audit-trail.js';
import { spokeSession } from '../handlers/lib/spoke-clients.js';
import { spokeRoleArn } from '../handlers/lib/spoke-role.js';
import type { Environment, StepDeps } from '../handlers/lib/step-deps.js';
import { releaseLease } from '../handlers/shared/release-lease.js';
import { stepsOf } from '../handlers/step-catalogue.js';
import { runbooks as catalogue } from '../runbooks/catalogue.js';
import { eventTriggersOf } from '../runbooks/deployment.js';
import type { Runbook, RunbookDefinition } from '../runbooks/index.js';
import { loadDefinition } from '../runbooks/runbook.js';
import {
  type Approver,
  aslOf,
  type LocalExecutionEvent,
  type LocalRunResult,
  runLocally,
  withoutSpoke,
} from '../state-machines/local-executor.js';
import { type BusEvent, type EventPattern, transformInput } from './account/event-bus.js';
import type { LocalEngineEvent } from './account/execution-history.js';
import { accessDeniedError, denialMessage } from './account/iam/access-denied.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import type { SimulatedOrganization } from './account/simulated-organization.js';
import type { SimulatedExecution } from './account/simulated-step-functions.js';
import type { DeployedPlatform, DeployedRule } from './iam/deployed-platform.js';
import { type DeploymentSettings, deployPlatform, deploySpoke } from './iam/platform-deployment.js';
import { IdempotencyLocks } from './idempotency-locks.js';
import { InstalledPlatform, stepTimeoutMs } from './platform-installation.js';
import { InstalledSpoke } from './spoke-installation.js';

export { stepTimeoutMs } from './platform-installation.js';

export interface PlatformObserver {
  readonly onDispatch?: (event: BusEvent | StartRequest, outcome: DispatchOutcome) => void;
  readonly onStateEvent?: (execution: SimulatedExecution, event: LocalExecutionEvent) => void;
  /** Every execution history event, with state input and output. */
  readonly onHistory?: (execution: SimulatedExecution, event: unknown) => void;
  readonly onAudit?: (record: AuditRecord) => void;
  /** An execution begins to run (its first state next). */
  readonly onStarted?: (execution: SimulatedExecution) => void;
  readonly onFinished?: (execution: SimulatedExecution, result: LocalRunResult) => void;
  /** A delivery or an asynchronous invocation that did not happen, and why (AccessDenied, say). */
  readonly onUndelivered?: (what: string) => void;
}

export interface PlatformOptions {
  readonly environment: Environment;
  readonly approver: Approver;
  readonly observer?: PlatformObserver;
  /**
   * The deployment's CDK context settings (`runbooks:*`); `runbooks:environment` is `environment`.
   * @default the CDK app's defaults
   */
  readonly settings?: DeploymentSettings;
  /**
   * A deployment to install as it is (a what-if: a policy changed), instead of synthesizing one
   * for `settings`.
   * @default the deployment synthesized for `settings`
   */
  readonly deployment?: DeployedPlatform;
  /**
   * The runbooks deployed (a team's own beside the built-in ones).
   * @default the built-in catalogue
   */
  readonly runbooks?: readonly RunbookDefinition[];
  /**
   * The organization the platform's account is the hub of; the spoke stack the settings
   * synthesize is deployed into `spokeAccounts` of it.
   * @default a single account
   */
  readonly organization?: SimulatedOrganization;
  /**
   * The member accounts holding the spoke stack.
   * @default every member account but the hub
   */
  readonly spokeAccounts?: readonly string[];
}

/** An event a rule matched, waiting for EventBridge to deliver it to the rule's targets. */
interface PendingDelivery {
  readonly rule: DeployedRule | undefined;
  readonly event: BusEvent | StartRequest;
}

/**
 * The platform deployed into a simulated account as the CDK app deploys it: the template the app
 * synthesizes for the given settings is installed (tables, topics, keys, resource policies, rules,
 * state machines), and every function acts as its own role, so IAM decides what it may do. Alarm
 * state changes → the deployed rules → dispatcher → Step Functions (run locally, each Task invoked
 * by the state machine's role) → step handlers; failed executions → lease release. Events arriving
 * while a runbook runs are dispatched at once, so locks and duplicates behave as they would with
 * concurrent deliveries.
 */
export class SimulatedPlatform {
  readonly topics: { readonly escalation: string; readonly approvals: string };
  readonly leaseTable: string;
  readonly idempotencyTable: string;
  private readonly idempotencyLocks: IdempotencyLocks;
  readonly approvalTable: string;
  /** Deps with administrator clients, for tests and tooling that call a step's core directly. */
  readonly stepDeps: StepDeps;
  readonly dispatcherConfig: DispatcherConfig;
  readonly results = new Map<string, LocalRunResult>();
  private readonly stopping = new AbortController();
  /** Whether calls are authorized (false only without the IAM evaluator installed). */
  readonly enforced: boolean;
  private readonly pending: PendingDelivery[] = [];
  /**
   * The deployed runbooks by state machine ARN. The built-in ones load their state machine when
   * one first runs: a definition loads the CDK's constructs, a third of a second that a platform
   * only dispatching (or deployed from a cached template) need not pay.
   */
  private readonly machines = new Map<string, Runbook | RunbookDefinition>();
  private readonly loaded = new Map<string, Promise<RunbookDefinition>>();
  private readonly rendered = new Set<string>();
  /** The deployed runbooks' event triggers, which the deployed dispatcher's bundle carries. */
  readonly triggers: readonly EventTrigger[];
  private readonly depsByStep = new Map<string, StepDeps>();
  /** The steps that record changes (`audits`): their records go to the audit table too. */
  private readonly auditingSteps: ReadonlySet<string>;
  private readonly observer: PlatformObserver;
  /** The spoke stacks of workload accounts, by account id. */
  readonly spokes = new Map<string, InstalledSpoke>();

  /** Synthesizes the platform for `settings` (or reuses the cached template) and installs it. */
  static async deploy(account: SimulatedAccount, options: PlatformOptions): Promise<SimulatedPlatform> {
    // The platform is deployed for the environment it runs in, whatever else the settings say.
    const settings = { ...options.settings, 'runbooks:environment': options.environment };
    const deployment =
      options.deployment ?? (await deployPlatform(settings, account.identity, options.runbooks));
    const platform = new SimulatedPlatform(
      account,
      new InstalledPlatform(account, deployment),
      options,
      await account.iam.enforced(),
    );
    const { organization } = options;
    if (!organization) return platform;
    const members = organization.accounts.filter((a) => a !== account);
    for (const member of members) {
      if (options.spokeAccounts && !options.spokeAccounts.includes(member.identity.accountId)) continue;
      // The StackSet of its OU, when its OU is listed; else the one for accounts listed by id.
      const unit = organization.unitOf(member.identity.accountId);
      const spoke =
        (unit && (await deploySpoke(settings, member.identity, options.runbooks, unit))) ||
        (await deploySpoke(settings, member.identity, options.runbooks));
      if (!spoke)
        throw new Error('the settings make no hub (runbooks:organization): no spoke stack to deploy');
      platform.spokes.set(
        member.identity.accountId,
        new InstalledSpoke(member, spoke, organization, (what) => platform.observer.onUndelivered?.(what)),
      );
    }
    return platform;
  }

  private constructor(
    private readonly account: SimulatedAccount,
    readonly installed: InstalledPlatform,
    private readonly options: PlatformOptions,
    enforced: boolean,
  ) {
    this.enforced = enforced;
    this.observer = options.observer ?? {};
    this.topics = installed.topics;
    this.leaseTable = installed.leaseTable;
    this.idempotencyTable = installed.idempotencyTable;
    this.idempotencyLocks = new IdempotencyLocks(account, this.idempotencyTable);
    this.approvalTable = installed.approvalTable;
    this.dispatcherConfig = installed.dispatcherConfig;
    for (const runbook of options.runbooks ?? catalogue) {
      const arn = this.dispatcherConfig.runbooks[runbook.id]?.stateMachineArn;
      if (arn) this.machines.set(arn, runbook);
    }
    this.triggers = eventTriggersOf([...this.machines.values()]);
    this.auditingSteps = new Set(
      stepsOf([...this.machines.values()])
        .filter((step) => step.audits)
        .map((step) => step.name),
    );
    this.stepDeps = {
      clients: account.clients(),
      now: () => account.clock.now(),
      audit: { record: (entry) => this.observer.onAudit?.(entry) },
      environment: options.environment,
      topics: this.topics,
      leaseTable: this.leaseTable,
      idempotencyTable: this.idempotencyTable,
      approvalTable: this.approvalTable,
      // Each step gets the platform functions' Lambda timeout.
      remainingTimeMs: () => stepTimeoutMs,
      // While a step waits, the account lives on: consumers consume, move tasks move.
      sleep: async (ms) => {
        this.moveTo(account.clock.now().getTime() + ms);
        await this.runServices();
      },
    };
    for (const rule of installed.deployment.rules) {
      // Scheduled rules have no pattern: game days send their start requests themselves.
      if (rule.pattern)
        account
          .eventBus(rule.busName)
          .addRule(rule.pattern as EventPattern, (event) => this.pending.push({ rule, event }));
    }
  }

  /**
   * A step's deps: its clients act as the step function's role; a step that records changes
   * keeps them in the audit table with them, as its Lambda entry does.
   */
  depsOf(step: string): StepDeps {
    let deps = this.depsByStep.get(step);
    if (!deps) {
      const clients = this.installed.clientsOf(step);
      const audit = this.auditingSteps.has(step)
        ? tableAuditTrail(clients.dynamodb, this.installed.auditTable, this.stepDeps.audit)
        : this.stepDeps.audit;
      deps = { ...this.stepDeps, clients, audit };
      this.depsByStep.set(step, deps);
    }
    return deps;
  }

  /**
   * Moves virtual time forward a minute at a time, dispatching the alarms that fire in each minute
   * before the next, as EventBridge delivers them within seconds.
   */
  async advance(seconds: number): Promise<void> {
    let left = seconds;
    await this.runServices();
    while (left > 0) {
      const step = Math.min(60, left);
      this.moveTo(this.account.clock.now().getTime() + step * 1000);
      left -= step;
      await this.runServices();
      await this.deliverPending();
    }
  }

  /** Moves time to `to`: every account of the organization, or the platform's own. */
  private moveTo(to: number): void {
    if (this.options.organization) this.options.organization.advanceTo(to);
    else this.account.advanceTo(to);
  }

  /** What the accounts' services do on their own, and the spokes' forwarding onto the hub's bus. */
  private async runServices(): Promise<void> {
    if (this.options.organization) await this.options.organization.runServices();
    else await this.account.runServices();
    for (const spoke of this.spokes.values()) await spoke.deliver();
  }

  /**
   * Sends the dispatcher a start request, as a person (`runbook start`) or a schedule's rule (its
   * constant input) does; it is dispatched at once, with any events pending.
   */
  async request(startRequest: StartRequest): Promise<void> {
    // Stamped as a sender stamps it, so Lambda's retries of the delivery name the same run.
    const stamped = {
      startRequest: {
        requestedAt: this.account.clock.now().toISOString(),
        ...startRequest.startRequest,
      },
    };
    this.pending.push({ rule: undefined, event: stamped });
    await this.deliverPending();
  }

  /** Aborts every running execution, as StopExecution would: nothing is left to run or wait. */
  stop(): void {
    this.stopping.abort();
  }

  /** Dispatches pending events and runs every started execution until nothing is left to do. */
  async settle(): Promise<void> {
    await this.deliverPending();
    for (
      let execution = this.account.stepFunctions.pending.shift();
      execution;
      execution = this.account.stepFunctions.pending.shift()
    ) {
      await this.run(execution);
      await this.deliverPending();
    }
  }

  /** Delivers what the rules matched to their targets, as EventBridge does, and start requests to the dispatcher. */
  private async deliverPending(): Promise<void> {
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      const { rule, event } = next;
      if (!rule) {
        await this.invokeAsync('dispatcher', event, (e) => this.dispatch(e));
        continue;
      }
      for (const target of rule.targets) {
        const name = target.arn
          .split(':function:')[1]
          ?.replace(`${this.installed.deployment.stackName}-`, '');
        const denial = await this.account.iam.authorizeService(
          {
            service: 'events.amazonaws.com',
            sourceArn: rule.arn,
            sourceAccount: this.account.identity.accountId,
          },
          { action: 'lambda:InvokeFunction', resource: target.arn },
        );
        if (denial) {
          await this.toDeadLetters(rule, target.deadLetterArn, event, denialMessage(denial));
          continue;
        }
        const input = target.inputTransformer
          ? (transformInput(event as BusEvent, target.inputTransformer) as BusEvent)
          : event;
        if (name === 'dispatcher') await this.invokeAsync(name, input, (e) => this.dispatch(e));
        else if (name === 'release-lease')
          await this.invokeAsync(name, event, (e) => releaseLease(e as never, this.depsOf('release-lease')));
        else if (name === 'write-evidence')
          await this.invokeAsync(name, event, (e) => writeEvidence(e, this.evidenceWriterDeps()));
      }
    }
  }

  private async dispatch(event: BusEvent | StartRequest): Promise<void> {
    const dispatcher = this.installed.functionOf('dispatcher');
    const deps = {
      clients: this.installed.clientsOf('dispatcher'),
      now: this.stepDeps.now,
      metrics: { count: () => undefined },
      config: this.dispatcherConfig,
      triggers: this.triggers,
      // The dispatcher invoking itself asynchronously, as its role.
      continueLater: async (later: unknown) => {
        const denial = await this.account.iam.authorize(this.installed.callerOf('dispatcher'), [
          { action: 'lambda:InvokeFunction', resource: dispatcher.arn },
        ]);
        if (denial) throw accessDeniedError('LambdaClient', denial);
        this.pending.push({ rule: undefined, event: later as StartRequest });
      },
    };
    // Dispatch first: an optional call skips evaluating its arguments when there is no observer.
    for (const outcome of await dispatchEvent(event, deps)) this.observer.onDispatch?.(event, outcome);
  }

  /**
   * An asynchronous invocation: Lambda retries a failed event twice, then sends it to the
   * function's on-failure destination as the function's role (or it is lost, and said so).
   */
  private async invokeAsync(
    name: string,
    event: unknown,
    run: (event: never) => Promise<unknown>,
  ): Promise<void> {
    let failure: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.invocation(() => run(event as never));
        return;
      } catch (error) {
        failure = error as Error;
      }
    }
    const fn = this.installed.functionOf(name);
    const reason = `${failure?.name}: ${failure?.message}`;
    if (!fn.onFailure) {
      this.observer.onUndelivered?.(
        `${name} failed on an event and has no on-failure destination: ${reason}`,
      );
      return;
    }
    try {
      await this.installed.clientsOf(name).sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrlOf(fn.onFailure),
          MessageBody: JSON.stringify({
            requestPayload: event,
            responsePayload: { errorType: failure?.name },
          }),
        }),
      );
      this.observer.onUndelivered?.(
        `${name} failed on an event after its retries (${reason}); sent to its on-failure queue`,
      );
    } catch (error) {
      this.observer.onUndelivered?.(
        `${name} failed on an event (${reason}) and could not send it on: ${(error as Error).message}`,
      );
    }
  }

  /** What EventBridge does with an event it may not deliver: the rule's dead-letter queue, if it may write there. */
  private async toDeadLetters(
    rule: DeployedRule,
    deadLetterArn: string | undefined,
    event: unknown,
    reason: string,
  ) {
    if (!deadLetterArn) {
      this.observer.onUndelivered?.(
        `${rule.arn} could not deliver an event and has no dead-letter queue: ${reason}`,
      );
      return;
    }
    const denial = await this.account.iam.authorizeService(
      {
        service: 'events.amazonaws.com',
        sourceArn: rule.arn,
        sourceAccount: this.account.identity.accountId,
      },
      { action: 'sqs:SendMessage', resource: deadLetterArn, kms: 'write' },
    );
    if (denial) {
      this.observer.onUndelivered?.(`${rule.arn} lost an event: ${reason}; and ${denialMessage(denial)}`);
      return;
    }
    this.account.sqs.sendMessage({
      QueueUrl: this.queueUrlOf(deadLetterArn),
      MessageBody: JSON.stringify(event),
    });
    this.observer.onUndelivered?.(
      `${rule.arn} could not deliver an event (${reason}); sent to its dead-letter queue`,
    );
  }

  private queueUrlOf(queueArn: string): string {
    const [, , , region, accountId, name] = queueArn.split(':');
    return `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
  }

  private definitionOf(stateMachineArn: string): Promise<RunbookDefinition> {
    const runbook = this.machines.get(stateMachineArn);
    if (!runbook) return Promise.reject(new Error(`no runbook is deployed as ${stateMachineArn}`));
    if ('build' in runbook) return Promise.resolve(runbook);
    let definition = this.loaded.get(stateMachineArn);
    if (!definition) {
      definition = loadDefinition(runbook);
      this.loaded.set(stateMachineArn, definition);
    }
    return definition;
  }

  /** The evidence writer's deps: its role's clients and its environment, as deployed. */
  private evidenceWriterDeps(): EvidenceWriterDeps {
    const env = this.installed.functionOf('write-evidence').environment;
    return {
      clients: this.installed.clientsOf('write-evidence'),
      auditTable: env.AUDIT_TABLE_NAME ?? '',
      bucket: env.EVIDENCE_BUCKET_NAME ?? '',
      signingKey: env.EVIDENCE_SIGNING_KEY_ARN ?? '',
      now: () => this.account.clock.now(),
    };
  }

  /** Where the deployed platform keeps evidence records, and the key that signs them. */
  get evidenceStore(): { readonly bucket: string; readonly signingKey: string } {
    const { bucket, signingKey } = this.evidenceWriterDeps();
    return { bucket, signingKey };
  }

  /**
   * One invocation of a platform function, under the account's fault schedule if any. One cut off
   * ran out of time: it fails once the function's timeout has passed, and what it left in
   * progress (idempotency) lapses then.
   */
  private async invocation<T>(invoke: () => Promise<T>): Promise<T> {
    const faults = this.account.faults;
    // Only a fault leaves a record in progress (Powertools removes its own on an error).
    if (!faults) return invoke();
    const startedAt = this.account.clock.now().getTime();
    this.idempotencyLocks.lapse(startedAt);
    try {
      return await faults.invocation(invoke, async () => {
        this.moveTo(Math.max(this.account.clock.now().getTime(), startedAt + stepTimeoutMs));
        await this.runServices();
      });
    } finally {
      this.idempotencyLocks.note(startedAt + stepTimeoutMs);
    }
  }

  private async run(execution: SimulatedExecution): Promise<void> {
    this.observer.onStarted?.(execution);
    const runbook = await this.definitionOf(execution.stateMachine);
    // Rendered once per state machine: DescribeStateMachineForExecution answers with it.
    if (!this.rendered.has(execution.stateMachine)) {
      this.account.stepFunctions.setDefinition(execution.stateMachine, JSON.stringify(await aslOf(runbook)));
      this.rendered.add(execution.stateMachine);
    }
    const machineName = execution.stateMachine.split(':').pop() ?? '';
    const result = await runLocally(runbook, JSON.parse(execution.input), {
      deps: this.stepDeps,
      depsOf: (step) => this.depsOf(step),
      // In an account with the spoke stack, the step assumes its role as it does in Lambda (STS
      // decides with the trust policy and the step's own). Without one, the step's own policy
      // decides whether it may try (IAM evaluates that half), and it then finds no role to assume.
      actingElsewhere: async (step, actingIn) => {
        const { identity } = this.installed.deployment;
        const spoke = this.spokes.get(actingIn.account);
        if (spoke) {
          const session = spokeSession(
            actingIn,
            { partition: 'aws', account: identity.accountId, region: identity.region },
            this.installed.deployment.stackName,
          );
          return spoke.actingFor(this.depsOf(step), this.installed.callerOf(step), session);
        }
        const spokeRole = spokeRoleArn('aws', actingIn.account, this.installed.deployment);
        return withoutSpoke(this.depsOf(step), actingIn.account, async () => {
          const denial = await this.account.iam.authorize(this.installed.callerOf(step), [
            { action: 'sts:AssumeRole', resource: spokeRole },
          ]);
          return denial ? denialMessage(denial) : `no spoke stack holds ${spokeRole}`;
        });
      },
      // Step Functions invokes each step with the state machine's role.
      beforeTask: async (step) => {
        const fn = this.installed.functionOf(step);
        const denial = await this.account.iam.authorize(this.installed.stateMachineCaller(machineName), [
          { action: 'lambda:InvokeFunction', resource: fn.arn },
        ]);
        if (denial)
          throw Object.assign(accessDeniedError('LambdaClient', denial), {
            name: 'Lambda.AWSLambdaException',
          });
      },
      aroundTask: (_step, invoke) => this.invocation(invoke),
      approver: this.options.approver,
      advanceTime: (seconds) => this.advance(seconds),
      executionName: execution.name,
      arns: { execution: execution.executionArn, stateMachine: execution.stateMachine },
      onEvent: (event) => this.observer.onStateEvent?.(execution, event),
      onHistory: (event) => {
        this.account.stepFunctions.history.addLocal(execution.executionArn, event as LocalEngineEvent);
        this.observer.onHistory?.(execution, event);
      },
      signal: this.stopping.signal,
    });
    this.results.set(execution.name, result);
    this.account.stepFunctions.finish(
      execution,
      this.stopping.signal.aborted ? 'ABORTED' : result.status,
      result.status === 'SUCCEEDED' ? result.output : undefined,
    );
    this.observer.onFinished?.(execution, result);
  }
}
