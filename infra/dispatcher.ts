import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, type RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeployedRunbook } from '../handlers/dispatcher/dispatcher-config.js';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import { dispatcherFunction } from '../handlers/dispatcher/handler.js';
import { alarmTriggerPattern } from '../handlers/dispatcher/trigger-patterns.js';
import type { RouteRule } from '../handlers/lib/alarm-routing.js';
import type { ChangeBudgetSettings } from '../handlers/lib/change-budget.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import { writeDispatcherEntry } from './dispatcher-entry.js';
import type { DeploymentScope } from './function-grants.js';
import { PlatformFunction } from './platform-function.js';

export interface DispatcherProps {
  /** The deployed runbooks, as the dispatcher starts them. */
  readonly runbooks: Readonly<Record<string, DeployedRunbook>>;
  /** The deployed runbooks' event triggers: a rule each, and their modules in the bundle. */
  readonly eventTriggers: readonly EventTrigger[];
  /**
   * Routing table for alarms without a `runbook` tag.
   * @default none (tagged alarms only)
   */
  readonly routes?: readonly RouteRule[];
  /** The budget of automated change every run it starts carries. */
  readonly changeBudget: ChangeBudgetSettings;
  /**
   * Workload accounts it acts in besides its own (their spoke role), with their regions.
   * @default none
   */
  readonly accounts?: readonly {
    readonly accountId: string;
    readonly environment: Environment;
    readonly regions: readonly string[];
  }[];
  /** The deployment's environment. */
  readonly environment: Environment;
  /**
   * Organizational units whose accounts it acts in (their events come through the unit's bus).
   * @default none
   */
  readonly organizationalUnits?: readonly {
    readonly organizationalUnitId: string;
    readonly environment: Environment;
    readonly regions: readonly string[];
  }[];
  /** The lease table. */
  readonly leaseTable: ITable;
  /** Where the function's own alarm notifies. */
  readonly alarmTopic: ITopic;
  /** Where EventBridge keeps events it could not deliver after its retries. */
  readonly deadLetters: IQueue;
  /** Where Lambda sends asynchronous invocations the function failed on after its retries. */
  readonly failedInvocations: IQueue;
  /**
   * Reserved concurrency: an alarm storm reaches the dispatcher first.
   * @default 20
   */
  readonly reservedConcurrency?: number;
}

/**
 * The dispatcher: the function every trigger reaches (alarm transitions into ALARM, the runbooks'
 * event triggers, schedules and people), its configuration, and the rules that send it events.
 */
export class Dispatcher extends Construct {
  readonly platformFunction: PlatformFunction;
  /** The dispatcher's configuration as JSON (Slack's start endpoint reads the same). */
  readonly config: string;
  private readonly props: DispatcherProps;

  constructor(scope: Construct, id: string, props: DispatcherProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    this.config = stack.toJsonString({
      routes: props.routes ?? [],
      changeBudget: props.changeBudget,
      leaseTable: props.leaseTable.tableName,
      runbooks: props.runbooks,
      accountId: stack.account,
      region: stack.region,
      environment: props.environment,
      accounts: props.accounts ?? [],
      organizationalUnits: props.organizationalUnits ?? [],
    });
    // `Default`: the function keeps the logical IDs it has as a direct child of the stack.
    this.platformFunction = new PlatformFunction(this, 'Default', {
      name: dispatcherFunction.name,
      // The handler with the deployed runbooks' trigger modules, and nothing else of them.
      entry: writeDispatcherEntry(props.eventTriggers),
      environment: { DISPATCHER_CONFIG: this.config },
      alarmTopic: props.alarmTopic,
      // It answers each event in milliseconds.
      reservedConcurrency: props.reservedConcurrency ?? 20,
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 2 },
    });
    new Rule(this, 'AlarmTrigger', {
      description: 'Sends every CloudWatch alarm transition into ALARM to the runbook dispatcher',
      eventPattern: {
        source: alarmTriggerPattern.source,
        detailType: alarmTriggerPattern['detail-type'],
        detail: alarmTriggerPattern.detail,
      },
      targets: [this.asTarget()],
    });
  }

  /**
   * The dispatcher as EventBridge's target, sent the event (or `event` instead, a schedule's start
   * request): retried for two hours, then kept in the dead-letter queue.
   */
  asTarget(event?: RuleTargetInput): LambdaFunction {
    return new LambdaFunction(this.platformFunction.function, {
      deadLetterQueue: this.props.deadLetters,
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
      ...(event ? { event } : {}),
    });
  }

  /**
   * A rule per event trigger, with its pattern; a trigger narrowed to a kind of resource matches
   * the deployment's resources of that kind (exact ARNs), and has no rule when there are none.
   */
  addEventTriggers(scope: DeploymentScope): void {
    for (const trigger of this.props.eventTriggers) {
      let detail: Record<string, unknown> = { ...trigger.pattern.detail };
      if (trigger.resources) {
        const { path, kind } = trigger.resources;
        const arns = scope.kinds[kind].arns;
        if (arns.length === 0) continue;
        if (arns.some((arn) => arn.includes('*')))
          throw new Error(
            `${trigger.runbook}'s event trigger matches ${kind} by exact ARN; got ${arns.join(', ')}`,
          );
        detail = { ...detail, ...nestedField(path, arns) };
      }
      const [source] = trigger.pattern.source;
      new Rule(this, `${trigger.runbook}-${source}-trigger`, {
        description: `Starts ${trigger.runbook}: ${trigger.description}`.slice(0, 512),
        eventPattern: {
          source: [...trigger.pattern.source],
          detailType: [...trigger.pattern['detail-type']],
          detail,
        },
        targets: [this.asTarget()],
      });
    }
  }
}

/** `['a', 'b']`, values → `{ a: { b: values } }`: a pattern's field nested in the event's detail. */
function nestedField(path: readonly string[], values: readonly string[]): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), [...values]) as Record<
    string,
    unknown
  >;
}
