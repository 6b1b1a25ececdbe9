import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logAuditTrail } from './audit-trail.js';
import { createAwsClients } from './aws-clients.js';
import { InvalidInputError } from './errors.js';
import { logger, metrics, tracer } from './observability.js';
import { type Environment, environments, type StepCore, type StepDeps } from './step-deps.js';

let deps: Omit<StepDeps, 'remainingTimeMs'> | undefined;

/** A required environment variable of a deployed function. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new InvalidInputError(`environment variable ${name} is not set`);
  return value;
}

/** The environment a function is deployed in (`RUNBOOK_ENVIRONMENT`). */
export function deployedEnvironment(): Environment {
  const environment = requiredEnv('RUNBOOK_ENVIRONMENT');
  if (!(environments as readonly string[]).includes(environment)) {
    throw new InvalidInputError(`RUNBOOK_ENVIRONMENT must be one of ${environments.join(', ')}`);
  }
  return environment as Environment;
}

/** Deps for a real Lambda: SDK clients traced by X-Ray, configuration from the function's environment. */
function lambdaDeps(): Omit<StepDeps, 'remainingTimeMs'> {
  if (deps) return deps;
  deps = {
    clients: createAwsClients({ configure: (client) => tracer.captureAWSv3Client(client) }),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    audit: logAuditTrail,
    environment: deployedEnvironment(),
    topics: { escalation: requiredEnv('ESCALATION_TOPIC_ARN'), approvals: requiredEnv('APPROVAL_TOPIC_ARN') },
    leaseTable: requiredEnv('LEASE_TABLE_NAME'),
    idempotencyTable: requiredEnv('IDEMPOTENCY_TABLE_NAME'),
    approvalTable: requiredEnv('APPROVAL_TABLE_NAME'),
  };
  return deps;
}

/** A Lambda handler with the platform's Powertools middleware: logger context, tracing, metrics. */
export function withPowertools<I, O>(handler: (event: I, context: Context) => Promise<O>) {
  return middy<I, O>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .handler(handler);
}

/** Wraps a step core as a Lambda handler: Powertools middleware first, the core last. */
export function lambdaEntry<I, O>(core: StepCore<I, O>) {
  return withPowertools((event: I, context) =>
    core(event, { ...lambdaDeps(), remainingTimeMs: () => context.getRemainingTimeInMillis() }),
  );
}
