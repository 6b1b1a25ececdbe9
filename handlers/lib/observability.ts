import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** The platform's one logger, tracer and metrics instance; nothing else configures Powertools. */
export const serviceName = 'lambda-runbooks';
export const logger = new Logger({ serviceName });
export const tracer = new Tracer({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'LambdaRunbooks' });
