import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { nonEmptyString, nonNegativeInt, positiveInt } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import type { RotationCheck } from './contract.js';
import { currentVersions } from './secret-labels.js';

const inputSchema = z.object({
  secretId: nonEmptyString(),
  versionId: nonEmptyString(),
  previousChecks: nonNegativeInt(),
  maxChecks: positiveInt(),
});

export type CheckRotationInput = z.input<typeof inputSchema>;

/**
 * Follows the rotation through the version stages: done when the new version is AWSCURRENT;
 * failed when its AWSPENDING label is gone without it becoming current, or when it is still not
 * current after the last check (Secrets Manager retries a failing rotation on its own, and does not
 * say when it gives up). Reads only.
 */
export const checkRotation: StepCore<CheckRotationInput, RotationCheck, 'secretsManager'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'check-rotation');
  const versions = await currentVersions(deps.clients.secretsManager, input.secretId);
  const stages = versions.find((v) => v.versionId === input.versionId)?.stages ?? [];
  const checks = input.previousChecks + 1;
  const checkedAt = deps.now().toISOString();
  const failed = (reason: string): RotationCheck => ({
    status: 'failed',
    checks,
    versions,
    reason,
    checkedAt,
    problem: `rotation failed: ${reason}`,
  });
  if (stages.includes('AWSCURRENT'))
    return {
      status: 'succeeded',
      checks,
      versions,
      reason: `version ${input.versionId} is AWSCURRENT`,
      checkedAt,
    };
  if (!stages.includes('AWSPENDING'))
    return failed(`version ${input.versionId} lost its AWSPENDING label without becoming current`);
  if (checks >= input.maxChecks)
    return failed(
      `version ${input.versionId} is still AWSPENDING after ${checks} checks: the rotation did not finish`,
    );
  return { status: 'in-progress', checks, versions, reason: 'rotation in progress', checkedAt };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'check-rotation',
  module: import.meta.url,
  clients: { secretsManager: SecretsManagerClient },
  core: checkRotation,
  permissions: [{ actions: ['secretsmanager:DescribeSecret'], on: 'rotated-secrets' }],
});

export const handler = step.handler;
