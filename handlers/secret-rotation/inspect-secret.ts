import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { approvalModes } from '../lib/approval-mode.js';
import { defineStep } from '../lib/define-step.js';
import { TargetNotResolvedError } from '../lib/errors.js';
import { manualStartSchema } from '../lib/manual-start-input.js';
import { parseInput } from '../lib/parse-input.js';
import { positiveInt } from '../lib/schemas.js';
import { environments, type StepCore } from '../lib/step-deps.js';
import { parseTarget, targetKey } from '../lib/targets.js';
import { consumersOf } from './consumers.js';
import {
  consumersTag,
  rotationFailedSchema,
  type SecretInspection,
  secretRotationInputSchema,
  versionsOf,
  versionWith,
} from './contract.js';

const inputSchema = z.object({
  executionInput: secretRotationInputSchema,
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
  maxConsumers: positiveInt(),
});

export type InspectSecretInput = z.input<typeof inputSchema>;

/** The secret's name: as the dispatcher locked it, as a person named it, or from a failure event's ARN. */
function secretNameOf(input: z.infer<typeof secretRotationInputSchema>): string {
  const dispatched = (input as { dispatch?: { target?: unknown } }).dispatch?.target;
  const manual = manualStartSchema.safeParse(input);
  const key =
    typeof dispatched === 'string' ? dispatched : manual.success ? manual.data.manualStart.target : undefined;
  if (key !== undefined) {
    const target = parseTarget(key);
    if (target.kind !== 'secret') throw new TargetNotResolvedError(`${targetKey(target)} is not a secret`);
    return target.secretName;
  }
  // An ARN's name is followed by a dash and six random characters.
  const failed = rotationFailedSchema.safeParse(input);
  const arn = failed.success ? failed.data.rotationFailed.secretId : '';
  const match = /^arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:(.+)-[A-Za-z0-9]{6}$/.exec(arn);
  if (!match?.[1]) throw new TargetNotResolvedError('the start names no secret');
  return match[1];
}

/**
 * Preflight, reading only: is rotation configured, is an AWSPENDING label left behind by an
 * earlier failed rotation (which blocks every later one), and which consumers to check. Versions
 * are named by id; no value is read.
 */
export const inspectSecret: StepCore<InspectSecretInput, SecretInspection, 'secretsManager'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'inspect-secret');
  const name = secretNameOf(input.executionInput);
  const described = await deps.clients.secretsManager.send(new DescribeSecretCommand({ SecretId: name }));
  const versions = versionsOf(described.VersionIdsToStages);
  const currentVersion = versionWith(versions, 'AWSCURRENT') ?? '';
  const pendingVersion = versionWith(versions, 'AWSPENDING');
  const stalePending = pendingVersion !== null && pendingVersion !== currentVersion ? pendingVersion : null;
  const tags = Object.fromEntries((described.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const manual = manualStartSchema.safeParse(input.executionInput);
  const parameters = manual.success ? manual.data.manualStart.parameters : {};
  const consumers = consumersOf(tags[consumersTag], parameters.consumers, input.maxConsumers);
  const rotationFunction = described.RotationLambdaARN ?? null;
  const base = {
    secretId: described.ARN ?? name,
    secretName: described.Name ?? name,
    rotationFunction,
    versions,
    currentVersion,
    stalePending,
    consumers,
    inspectedAt: deps.now().toISOString(),
  };
  if (!rotationFunction) {
    const reason = `${name} has no rotation function configured: nothing can rotate it`;
    return { ...base, action: 'escalate', approval: 'auto', summary: reason, reason };
  }
  if (stalePending) {
    const reason = `version ${stalePending} still carries AWSPENDING from an earlier rotation that did not finish; it blocks every rotation until the label is removed`;
    return {
      ...base,
      action: 'clear-then-rotate',
      approval: input.approval[deps.environment],
      summary: `Remove AWSPENDING from version ${stalePending} of ${name}, then rotate and check ${consumers.length} consumer(s)`,
      reason,
    };
  }
  return {
    ...base,
    action: 'rotate',
    approval: 'auto',
    summary: `Rotate ${name} and check ${consumers.length} consumer(s)`,
    reason: 'rotation configured, no rotation left unfinished',
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'inspect-secret',
  module: import.meta.url,
  clients: { secretsManager: SecretsManagerClient },
  core: inspectSecret,
  permissions: [{ actions: ['secretsmanager:DescribeSecret'], on: 'rotated-secrets' }],
});

export const handler = step.handler;
