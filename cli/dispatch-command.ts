import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { parseAlarmEvent } from '../handlers/lib/alarm-event.js';
import { type DispatchPlan, planDispatch, routeRuleSchema } from '../handlers/lib/alarm-routing.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
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
    throw new InvalidInputError(
      `routing table in ${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * What an alarm event would start, decided as the dispatcher decides it: from the alarm's tags in
 * the event and the routing table. Nothing is started or locked; without AWS access, alarms whose
 * tags are not in the event route by the table only, and API targets are not resolved to aliases.
 */
export function planFromFile(eventFile: string, routesFile?: string): DispatchPlan {
  const event = parseAlarmEvent(readJson(eventFile, 'event file'));
  return planDispatch(event, {
    tags: event.detail.alarmTags ?? {},
    routes: loadRoutes(routesFile),
    knownRunbooks: runbooks.map((r) => r.id),
  });
}

/** The plan as a person reads it. */
export function formatPlan(plan: DispatchPlan): string {
  return plan.action === 'start'
    ? `start ${plan.runbook} on ${plan.target}\n  execution name: ${plan.executionName}\n  ${plan.reason}`
    : `start nothing: ${plan.reason}`;
}
