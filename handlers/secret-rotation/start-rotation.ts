import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { foundMade } from '../lib/audit-trail.js';
import { defineStep } from '../lib/define-step.js';
import { parseInput } from '../lib/parse-input.js';
import { requestIdsOf } from '../lib/request-ids.js';
import { nonEmptyString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';
import { versionWith } from './contract.js';
import { currentVersions } from './secret-labels.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  secretId: nonEmptyString(),
});

export type StartRotationInput = z.input<typeof inputSchema>;

export interface StartedRotation {
  /** The new version's id: the token Secrets Manager passes to every rotation step. */
  readonly versionId: string;
  /** AWSCURRENT when the rotation started: what a rollback returns to. */
  readonly previousVersion: string;
  /** AWSPREVIOUS when the rotation started, put back by a rollback. */
  readonly previousOfPrevious: string | null;
  readonly startedAt: string;
}

/** The execution's rotation token, a UUID derived from the execution: every retry asks for the same rotation. */
export function rotationTokenOf(executionId: string): string {
  const h = createHash('sha256').update(`rotation|${executionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Asks Secrets Manager to rotate now with the secret's rotation function. The token derives from
 * the execution, so a retried step finds its version and does not start a second rotation.
 */
export const startRotation: StepCore<StartRotationInput, StartedRotation, 'secretsManager'> = async (
  rawInput,
  deps,
) => {
  const { executionId, runbook, secretId } = parseInput(inputSchema, rawInput, 'start-rotation');
  const sm = deps.clients.secretsManager;
  const versionId = rotationTokenOf(executionId);
  const versions = await currentVersions(sm, secretId);
  const mine = versions.find((v) => v.versionId === versionId);
  // A retry after the rotation already finished finds the labels moved on by one.
  const finished = mine?.stages.includes('AWSCURRENT') ?? false;
  const previousVersion = versionWith(versions, finished ? 'AWSPREVIOUS' : 'AWSCURRENT') ?? '';
  const startedAt = deps.now().toISOString();
  const record = (action: string, requestIds: readonly string[]) =>
    deps.audit.record({
      at: startedAt,
      executionId,
      runbook,
      step: 'start-rotation',
      kind: 'rotation',
      action,
      target: secretId,
      before: { AWSCURRENT: previousVersion },
      after: finished ? { AWSCURRENT: versionId } : { AWSPENDING: versionId },
      requestIds,
    });
  if (!mine) {
    const rotated = await sm.send(
      new RotateSecretCommand({ SecretId: secretId, ClientRequestToken: versionId, RotateImmediately: true }),
    );
    await record('rotate the secret', requestIdsOf(rotated));
  } else {
    // An earlier attempt's RotateSecret took effect and its answer was lost (a timeout, a
    // cut-off): the rotation, in progress or already finished, is this run's, and on record
    // (again, if that attempt recorded it).
    await record(foundMade('rotate the secret'), []);
  }
  return {
    versionId,
    previousVersion,
    previousOfPrevious: finished ? null : versionWith(versions, 'AWSPREVIOUS'),
    startedAt,
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'start-rotation',
  module: import.meta.url,
  clients: { secretsManager: SecretsManagerClient },
  core: startRotation,
  audits: DynamoDBClient,
  permissions: [
    { actions: ['secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret'], on: 'rotated-secrets' },
    { actions: ['lambda:InvokeFunction'], on: 'rotation-function' },
  ],
});

export const handler = step.handler;
