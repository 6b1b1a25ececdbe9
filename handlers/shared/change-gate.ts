import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { ChangeBudget, type ChangeGrant, changeBudgetSchema } from '../lib/change-budget.js';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  /** The deployment's budget, as the dispatcher put it in the run's dispatch context. */
  budget: changeBudgetSchema,
});

export type ChangeGateInput = z.input<typeof inputSchema>;

/**
 * Where policy lets a run change something without a person, takes the change from the budget of
 * automated change of this environment; refused while automatic remediation is paused or once
 * the hour's budget is spent, and the run asks a human instead. A retry finds its change counted.
 */
export const changeGate: StepCore<ChangeGateInput, ChangeGrant, 'dynamodb'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'change-gate');
  return new ChangeBudget(deps.clients.dynamodb, deps.leaseTable).take(
    input.executionId,
    deps.environment,
    input.budget,
    deps.now(),
  );
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'change-gate',
  module: import.meta.url,
  clients: { dynamodb: DynamoDBClient },
  core: changeGate,
  permissions: [{ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], on: 'lease-table' }],
});

export const handler = step.handler;
