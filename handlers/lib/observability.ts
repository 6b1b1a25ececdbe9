import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The platform's one logger and metrics instance; nothing else configures Powertools. Tracing is
 * Lambda's and Step Functions' active X-Ray tracing: the Powertools Tracer's per-call subsegments
 * would cost every function about 125 KB and 10 ms of cold start, and runbook steps start cold on
 * nearly every incident.
 */
export const serviceName = 'lambda-runbooks';
export const logger = new Logger({ serviceName });
/** Pure: bundles of functions that publish no metrics leave it out. */
/** The CloudWatch namespace the platform's own metrics are published in (with `service` as dimension). */
export const metricsNamespace = 'LambdaRunbooks';
export const metrics = /* @__PURE__ */ new Metrics({ serviceName, namespace: metricsNamespace });
