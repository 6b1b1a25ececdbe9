import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetFunctionConfigurationCommand, LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import { SchemasClient } from '@aws-sdk/client-schemas';
import * as z from 'zod/mini';
import { approvalModes } from '../lib/approval-mode.js';
import { defineStep } from '../lib/define-step.js';
import { InvalidInputError, TargetNotResolvedError } from '../lib/errors.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, positiveInt } from '../lib/schemas.js';
import { environments, type StepCore } from '../lib/step-deps.js';
import { parseTarget } from '../lib/targets.js';
import {
  type RuntimeSettings,
  runtimeUpgradeInputSchema,
  testEventTag,
  type UpgradePlan,
} from './contract.js';
import { alarmsOf, aliasState } from './function-state.js';
import { acceptsUpdates, datesOf, deprecatedWithin, successorOf } from './runtime-schedule.js';
import { configuredTestEvent } from './test-event.js';

const inputSchema = z.object({
  executionInput: runtimeUpgradeInputSchema,
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
  stagingAlias: nonEmptyString(),
  productionAlias: nonEmptyString(),
  horizonDays: positiveInt(),
});

export type PlanUpgradeInput = z.input<typeof inputSchema>;

/** `KEY=VALUE,KEY2=VALUE2`: names as Lambda allows them, never Lambda's reserved `AWS_` ones. */
export function parseEnvironment(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(key) || key.startsWith('AWS_'))
      throw new InvalidInputError(`environment: "${pair}" is not KEY=VALUE with a key Lambda accepts`);
    variables[key] = pair.slice(at + 1);
  }
  return variables;
}

/** The settings to move to: the runtime asked for (or the due runtime's successor), the variables merged in. */
function targetOf(
  current: RuntimeSettings,
  parameters: Record<string, string>,
  today: string,
  horizonDays: number,
) {
  const changes: string[] = [];
  let runtime = current.runtime;
  if (parameters.runtime !== undefined) {
    const dates = datesOf(parameters.runtime);
    if (!dates)
      throw new InvalidInputError(
        `runtime ${parameters.runtime} is not a Lambda runtime this platform knows`,
      );
    if (deprecatedWithin(dates, today, 0) || !acceptsUpdates(dates, today))
      throw new InvalidInputError(`runtime ${parameters.runtime} is deprecated: choose a supported one`);
    runtime = parameters.runtime;
  } else if (parameters.environment === undefined) {
    const dates = datesOf(current.runtime);
    if (dates && deprecatedWithin(dates, today, horizonDays))
      runtime = successorOf(current.runtime, today) ?? runtime;
  }
  if (runtime !== current.runtime) changes.push(`runtime ${current.runtime} → ${runtime}`);
  const set = parameters.environment === undefined ? {} : parseEnvironment(parameters.environment);
  for (const [key, value] of Object.entries(set))
    if (current.environment[key] !== value) changes.push(`environment ${key}=${value}`);
  return { target: { runtime, environment: { ...current.environment, ...set } }, changes };
}

/**
 * Reads the function, its aliases, alarms and smoke-test event, and plans the change: which
 * runtime or variables, through which aliases. Stops when the function is already failing (an
 * alarm in ALARM) and refuses what cannot be done safely. Changes nothing.
 */
export const planUpgrade: StepCore<
  PlanUpgradeInput,
  UpgradePlan,
  'lambda' | 'cloudwatch' | 'schemas'
> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'plan-upgrade');
  const { manualStart } = input.executionInput;
  const target = parseTarget(
    (input.executionInput as { dispatch?: { target?: string } }).dispatch?.target ?? manualStart.target,
  );
  if (target.kind !== 'function')
    throw new TargetNotResolvedError(`${manualStart.target} is not a Lambda function`);
  const functionName = target.functionName;
  const lambda = deps.clients.lambda;
  const now = deps.now();
  const today = now.toISOString().slice(0, 10);
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const previous: RuntimeSettings = {
    runtime: config.Runtime ?? '',
    environment: { ...(config.Environment?.Variables ?? {}) },
  };
  const { target: settings, changes } = targetOf(previous, manualStart.parameters, today, input.horizonDays);
  const [staging, production, alarms, tags] = await Promise.all([
    aliasState(lambda, functionName, input.stagingAlias),
    aliasState(lambda, functionName, input.productionAlias),
    alarmsOf(deps.clients.cloudwatch, functionName),
    lambda.send(new ListTagsCommand({ Resource: config.FunctionArn ?? functionName })),
  ]);
  const testEvent = await configuredTestEvent(deps.clients.schemas, functionName, tags.Tags?.[testEventTag]);
  const base = {
    functionName,
    previous,
    target: settings,
    changes,
    latestRevisionId: config.RevisionId ?? '',
    staging,
    production,
    testEvent: testEvent.event,
    testEventName: testEvent.name,
    alarms: alarms.map((a) => a.AlarmName ?? ''),
    approval: input.approval[deps.environment],
    plannedAt: now.toISOString(),
  };
  const firing = alarms.filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName ?? '');
  const stop = (action: 'none' | 'stop' | 'escalate', reason: string): UpgradePlan => ({
    ...base,
    action,
    approval: 'auto',
    summary: reason,
    reason,
  });
  if (changes.length === 0) return stop('none', `${functionName}: nothing to change (${previous.runtime})`);
  if (firing.length > 0)
    return stop(
      'stop',
      `${functionName} is already failing (${firing.join(', ')} in ALARM): an upgrade now would mix its evidence with the incident's`,
    );
  if (config.LastUpdateStatus === 'InProgress')
    return stop('escalate', `${functionName} has an update in progress`);
  if (!production)
    return stop('escalate', `${functionName} has no alias ${input.productionAlias}: a canary needs one`);
  // A rollback puts each alias back to one version: one that splits traffic could not be.
  for (const alias of [production, staging])
    if (alias && Object.keys(alias.weights).length > 0)
      return stop(
        'escalate',
        `${functionName}:${alias.name} already splits traffic: another rollout is in progress`,
      );
  return {
    ...base,
    action: 'upgrade',
    summary: `${functionName}: ${changes.join(', ')}; new version through ${staging ? `${staging.name}, then ` : ''}a canary on ${production.name}`,
    reason: changes.join(', '),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'plan-upgrade',
  module: import.meta.url,
  clients: { lambda: LambdaClient, cloudwatch: CloudWatchClient, schemas: SchemasClient },
  core: planUpgrade,
  permissions: [
    {
      actions: ['lambda:GetFunctionConfiguration', 'lambda:GetAlias', 'lambda:ListTags'],
      on: 'target-functions',
    },
    { actions: ['cloudwatch:DescribeAlarms'], on: 'alarms' },
    { actions: ['schemas:DescribeSchema'], on: 'test-event-schemas' },
  ],
});

export const handler = step.handler;
