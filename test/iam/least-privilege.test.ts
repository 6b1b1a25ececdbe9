import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../gameday/account/iam/access-requests.js';
import { scopedConfiguration } from '../../gameday/iam/platform-configurations.js';
import { rotationSettings } from '../../gameday/scenarios/secret-rotation/secrets-world.js';
import { steps } from '../../handlers/step-catalogue.js';
import { accountId, arn, deployedIam, region } from '../support/deployed-iam.js';

type Deployed = Awaited<ReturnType<typeof deployedIam>>;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Every action a function's policy allows, by the service it belongs to. */
function allowedActions(deployed: Deployed, fn: string): string[] {
  const statements = deployed.installed
    .functionOf(fn)
    .policies.flatMap((p) => list(p.Statement) as { Effect: string; Action: unknown }[]);
  return [
    ...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action).map(String))),
  ];
}

/** Resources outside the scoped configuration, and the platform's own, for each service. */
function outOfScope(deployed: Deployed, action: string): AccessRequest[] {
  const platformFunction = deployed.installed.functionOf('dispatcher').arn;
  const service = action.split(':')[0];
  switch (service) {
    case 'lambda':
      return action.endsWith('EventSourceMapping')
        ? [billingArn(deployed), platformFunction].map((fn) => ({
            action,
            resource: arn('lambda', 'event-source-mapping:0b994f4e-0ddf-8df8-b8d5-2fa176503c07'),
            context: { 'lambda:FunctionArn': fn },
          }))
        : [
            { action, resource: billingArn(deployed) },
            { action, resource: `${billingArn(deployed)}:live` },
            { action, resource: platformFunction },
            { action, resource: deployed.installed.functionOf('gather-evidence').arn },
          ];
    case 'sqs':
      return [
        { action, resource: arn('sqs', 'billing-dlq') },
        { action, resource: arn('sqs', 'billing') },
      ];
    case 'secretsmanager':
      return [{ action, resource: arn('secretsmanager', 'secret:billing-db-AbCdEf') }];
    case 'dynamodb':
      return [{ action, resource: arn('dynamodb', 'table/billing') }];
    case 'sns':
      return [{ action, resource: arn('sns', 'billing-alerts') }];
    case 'states':
      return [{ action, resource: arn('states', 'stateMachine:billing-workflow') }];
    case 'schemas':
      return [{ action, resource: arn('schemas', 'schema/billing-registry/billing') }];
    default:
      return [];
  }
}

const billingArn = (_deployed: Deployed) => arn('lambda', 'function:billing-api');

/**
 * Whether IAM allows a request, for requests that can exist: an action without resource-level
 * permissions is only ever requested on `*`, and provisioned concurrency only on a version or
 * alias, so the evaluator refuses the others as invalid and they are not asked.
 */
async function allowsValid(deployed: Deployed, fn: string, request: AccessRequest): Promise<boolean> {
  try {
    return await deployed.allows(fn, request);
  } catch (error) {
    if (/must\.use\.wildcard|no\.resource\.types/.test((error as Error).message)) return false;
    throw error;
  }
}

/**
 * Reads every function of the account may do, and only these: the throttling runbook's evidence
 * is the account's concurrency (who holds reservations, who burst), not just the target's.
 */
const accountWideReads = new Set([
  'lambda:GetFunctionConcurrency',
  'lambda:GetFunctionConfiguration',
  'lambda:ListProvisionedConcurrencyConfigs',
  'lambda:GetFunctionEventInvokeConfig',
]);

describe('least privilege, in the scoped production configuration', () => {
  let deployed: Deployed;
  beforeAll(async () => {
    deployed = await deployedIam({
      ...scopedConfiguration().settings,
      ...rotationSettings(
        { accountId, region },
        { strategy: 'alternating-users', consumers: [{ name: 'orders-api' }] },
      ),
    });
  });

  it.each(steps.map((s) => [s.name] as const))(
    '%s may do none of its actions on a function, queue or secret out of scope, nor on the platform’s own functions',
    async (step) => {
      const allowedOutOfScope: string[] = [];
      for (const action of allowedActions(deployed, step)) {
        if (step === 'gather-concurrency-evidence' && accountWideReads.has(action)) continue;
        for (const request of outOfScope(deployed, action)) {
          if (await allowsValid(deployed, step, request))
            allowedOutOfScope.push(`${action} on ${request.resource}`);
        }
      }
      expect(allowedOutOfScope).toEqual([]);
    },
  );

  it.each(steps.map((s) => [s.name] as const))(
    '%s may not manage IAM, change function code, read unconfigured secrets, purge queues or use keys that are not its own',
    async (step) => {
      const forbidden: AccessRequest[] = [
        { action: 'iam:PassRole', resource: `arn:aws:iam::${accountId}:role/admin` },
        { action: 'iam:CreateRole', resource: `arn:aws:iam::${accountId}:role/escalated` },
        { action: 'iam:AttachRolePolicy', resource: `arn:aws:iam::${accountId}:role/admin` },
        { action: 'lambda:UpdateFunctionCode', resource: arn('lambda', 'function:checkout-api') },
        {
          action: 'secretsmanager:GetSecretValue',
          resource: arn('secretsmanager', 'secret:payments-db-AbCdEf'),
        },
        { action: 'sqs:PurgeQueue', resource: arn('sqs', 'orders-dlq') },
        { action: 'sqs:DeleteQueue', resource: arn('sqs', 'orders') },
        { action: 'kms:Decrypt', resource: arn('kms', 'key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab') },
        // The platform key, used directly rather than through one of its services.
        { action: 'kms:Decrypt', resource: [...deployed.deployment.keys.keys()][0] ?? '' },
      ];
      const allowed = [];
      for (const request of forbidden) if (await deployed.allows(step, request)) allowed.push(request);
      expect(allowed).toEqual([]);
    },
  );

  it('grants every function its key actions only through a service (kms:ViaService), never directly, but signing and verifying', () => {
    const direct = [...deployed.deployment.functions.values()].flatMap((fn) =>
      fn.policies
        .flatMap(
          (p) =>
            list(p.Statement) as {
              Effect: string;
              Action: unknown;
              Condition?: Record<string, Record<string, unknown>>;
            }[],
        )
        .filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => String(a).startsWith('kms:')))
        .filter((s) => !s.Condition?.StringEquals?.['kms:ViaService'])
        // Signing evidence records, and reading the public key that verifies them, are the
        // signing key's uses: no service stands in between.
        .filter((s) => !list(s.Action).every((a) => a === 'kms:Sign' || a === 'kms:GetPublicKey'))
        .map((s) => `${fn.name}: ${JSON.stringify(s)}`),
    );
    expect(direct).toEqual([]);
  });
});
