import { logger } from './observability.js';

/** One change to the world, as an auditor needs it: who, what, where, before and after. */
export interface AuditRecord {
  readonly at: string;
  readonly executionId: string;
  readonly runbook: string;
  readonly step: string;
  readonly action: string;
  readonly target: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Where audit records go. */
export interface AuditTrail {
  record(entry: AuditRecord): void;
}

/**
 * In Lambda the audit trail is a structured log line keyed `audit`, kept by the log group's
 * retention and queryable with Logs Insights (`filter ispresent(audit.action)`).
 */
export const logAuditTrail: AuditTrail = {
  record(entry) {
    logger.info(`audit: ${entry.action} on ${entry.target}`, { audit: entry });
  },
};
