import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { splitActingIn } from './acting-in.js';
import { auditTrailIn, logAuditTrail, tableAuditTrail } from './audit-trail.js';
import { type ClientClasses, type ClientConfig, type ClientName, lazyClients } from './aws-clients.js';
import { InvalidInputError } from './errors.js';
import { logger } from './observability.js';
import { clientsActingIn, ownFunctionOf } from './spoke-clients.js';
import { type Environment, environments, type StepCore, type StepDeps } from './step-deps.js';

/** A required environment variable of a deployed function. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new InvalidInputError(`environment variable ${name} is not set`);
  return value;
}

/** The environment a function is deployed in (`RUNBOOK_ENVIRONMENT`). */
export function deployedEnvironment(): Environment {
  const environment = requiredEnv('RUNBOOK_ENVIRONMENT');
  const known: readonly string[] = environments;
  if (!known.includes(environment)) {
    throw new InvalidInputError(`RUNBOOK_ENVIRONMENT must be one of ${environments.join(', ')}`);
  }
  return environment as Environment;
}

/**
 * A Lambda handler with the platform's Powertools middleware, middleware first and the handler last:
 * the logger's Lambda context, then `extra` (e.g. `logMetrics` where a function publishes metrics).
 */
export function withPowertools<I, O>(
  handler: (event: I, context: Context) => Promise<O>,
  ...extra: MiddlewareObj<I, O>[]
) {
  return middy<I, O>()
    .use([injectLambdaContext(logger, { resetKeys: true }), ...extra])
    .handler(handler);
}

/**
 * Wraps a step core as a Lambda handler. `clients` names the client classes the step uses (the
 * type checker holds it to the core's own list), created on first use; configuration comes from
 * the function's environment, read once per container. The payload's `actingIn` (every Task adds
 * it) is taken off: where it names another account, the step acts there through the spoke role.
 */
export function lambdaEntry<I, O, K extends ClientName>(
  core: StepCore<I, O, K>,
  clients: ClientClasses<K>,
  options: { readonly audits?: new (config: ClientConfig) => DynamoDBClient } = {},
) {
  let deps: Omit<StepDeps<K>, 'remainingTimeMs'> | undefined;
  const lambdaDeps = () => {
    deps ??= {
      clients: lazyClients(clients),
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      // The audit table is the platform's own: written with the function's own role, also when
      // the step acts in another account.
      audit: options.audits
        ? tableAuditTrail(
            lazyClients({ dynamodb: options.audits }).dynamodb,
            requiredEnv('AUDIT_TABLE_NAME'),
            logAuditTrail,
          )
        : logAuditTrail,
      environment: deployedEnvironment(),
      topics: {
        escalation: requiredEnv('ESCALATION_TOPIC_ARN'),
        approvals: requiredEnv('APPROVAL_TOPIC_ARN'),
      },
      leaseTable: requiredEnv('LEASE_TABLE_NAME'),
      idempotencyTable: requiredEnv('IDEMPOTENCY_TABLE_NAME'),
      approvalTable: requiredEnv('APPROVAL_TABLE_NAME'),
    };
    return deps;
  };
  return withPowertools((event: I, context) => {
    const { input, actingIn } = splitActingIn(event);
    const deps = lambdaDeps();
    return core(input as I, {
      ...deps,
      audit: auditTrailIn(deps.audit, actingIn),
      // The run's environment is its target account's, which may not be the deployment's.
      environment: actingIn?.environment ?? deps.environment,
      clients: clientsActingIn(
        clients,
        deps.clients,
        actingIn,
        ownFunctionOf(context.invokedFunctionArn),
        () => requiredEnv('PLATFORM_STACK_NAME'),
      ),
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    });
  });
}
