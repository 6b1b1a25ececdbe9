import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { type AlarmLookups, type Decision, refuse } from '../handlers/dispatcher/decision.js';
import { decideEvent } from '../handlers/dispatcher/dispatch-event.js';
import type { DispatcherConfig } from '../handlers/dispatcher/dispatcher-config.js';
import { routeRuleSchema } from '../handlers/lib/alarm-routing.js';
import { defaultChangeBudget } from '../handlers/lib/change-budget.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { problemsOf } from '../handlers/lib/parse-input.js';
import { targetKey } from '../handlers/lib/targets.js';
import { deployedRunbook, eventTriggersOf } from '../runbooks/deployment.js';
import { runbooks } from '../runbooks/index.js';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${what} ${path} is not JSON: ${(error as Error).message}`);
  }
}

/** The routing table deployed with the app: `runbooks:routes` in cdk.json, or a file given with --routes. */
function loadRoutes(routesFile: string | undefined) {
  const source = routesFile ?? 'cdk.json';
  const raw = readJson(source, 'routing table');
  const routes = routesFile
    ? raw
    : ((raw as { context?: Record<string, unknown> }).context?.['runbooks:routes'] ?? []);
  const parsed = z.array(routeRuleSchema).safeParse(routes);
  if (!parsed.success)
    throw new InvalidInputError(`routing table in ${source}: ${problemsOf(parsed.error, routes)}`);
  return parsed.data;
}

/** Where the previewed deployment acts, and what the preview reads alarms with. */
export interface PreviewOptions {
  /** A routing table file instead of cdk.json's `runbooks:routes`. */
  readonly routesFile?: string;
  /** The deployment's account and region. Default: the event's own (a foreign event then looks local). */
  readonly accountId?: string;
  readonly region?: string;
  /**
   * Alarm tags and alarms by name, as the dispatcher reads them from CloudWatch (`--aws`).
   * Default: none, so only tags the event carries (`alarmTags`) and the routing table route.
   */
  readonly alarms?: AlarmLookups;
  /** Default: now. */
  readonly now?: () => Date;
}

/** The deployment a preview decides for: every runbook of the catalogue, with the routing table. */
function previewConfig(event: unknown, options: PreviewOptions): DispatcherConfig {
  const where = (event ?? {}) as { account?: unknown; region?: unknown };
  const accountId = options.accountId ?? (typeof where.account === 'string' ? where.account : '000000000000');
  const region = options.region ?? (typeof where.region === 'string' ? where.region : 'us-east-1');
  return {
    routes: loadRoutes(options.routesFile),
    changeBudget: defaultChangeBudget,
    leaseTable: 'preview',
    accountId,
    region,
    // The CDK app's default environment: a preview decides no approval.
    environment: 'dev',
    accounts: [],
    organizationalUnits: [],
    runbooks: Object.fromEntries(
      runbooks.map((r) => [
        r.id,
        deployedRunbook(r, `arn:aws:states:${region}:${accountId}:stateMachine:runbook-${r.id}`),
      ]),
    ),
  };
}

/** Without AWS: no tags beyond the event's, and no alarm to start by name. */
const offlineLookups: AlarmLookups = {
  tags: async () => ({}),
  describe: async (name) => {
    throw new InvalidInputError(
      `a start by alarm name needs AWS to describe ${name}: add --aws, or preview the alarm's state-change event`,
    );
  },
};

/**
 * What an event would start, decided by the dispatcher's own decision (`decideEvent`): alarm state
 * changes, the events the runbooks' triggers declare (AWS Health notices, Secrets Manager's failed
 * rotations) and start requests. Nothing is
 * started or locked, and API targets are not resolved to the alias behind them (that happens when
 * the lock is taken).
 */
export async function planFromFile(eventFile: string, options: PreviewOptions = {}): Promise<Decision[]> {
  const event = readJson(eventFile, 'event file');
  return decideEvent(event, {
    config: previewConfig(event, options),
    now: options.now ?? (() => new Date()),
    alarms: options.alarms ?? offlineLookups,
    triggers: eventTriggersOf(runbooks),
  }).catch((error: Error) => [refuse(null, null, error.message, 'InvalidEvents')]);
}

/** One decision as `--json` prints it: what the dispatcher would do, without the execution input. */
export function decisionSummary(decision: Decision) {
  return decision.action === 'start'
    ? {
        action: 'start' as const,
        runbook: decision.start.runbook,
        target: targetKey(decision.start.target),
        executionName: decision.start.executionName,
        reason: decision.start.reason,
      }
    : {
        action: 'ignore' as const,
        runbook: decision.runbook,
        target: decision.target,
        executionName: null,
        reason: decision.reason,
      };
}

/** One decision as a person reads it. */
export function formatDecision(decision: Decision): string {
  return decision.action === 'start'
    ? `start ${decision.start.runbook} on ${targetKey(decision.start.target)}\n  execution name: ${decision.start.executionName}\n  ${decision.start.reason}`
    : `start nothing${decision.target ? ` on ${decision.target}` : ''}: ${decision.reason}`;
}

/** What the dispatcher did, as the CLI prints it (`runbook start`). */
export function formatOutcome(outcome: {
  readonly action: 'start' | 'ignore';
  readonly runbook: string | null;
  readonly target: string | null;
  readonly executionName: string | null;
  readonly reason: string;
}): string {
  return outcome.action === 'start'
    ? `start ${outcome.runbook} on ${outcome.target}\n  execution name: ${outcome.executionName}\n  ${outcome.reason}`
    : `start nothing: ${outcome.reason}`;
}
