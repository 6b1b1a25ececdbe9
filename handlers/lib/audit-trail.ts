import { logger } from './observability.js';

/**
 * The kinds of change the platform makes, each mapped to the controls it evidences (the control
 * matrix); `change` is any other (a team's own runbook's), evidence of change management.
 */
export const changeKinds = [
  'alias-rollback',
  'concurrency-change',
  'provisioned-concurrency',
  'replay',
  'quarantine',
  'rotation',
  'rotation-rollback',
  'runtime-upgrade',
  'queue-settings',
  'approval',
  'change',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

/** One change to the world, as an auditor needs it: who, what, where, before and after. */
export interface AuditRecord {
  readonly at: string;
  readonly executionId: string;
  readonly runbook: string;
  readonly step: string;
  /**
   * What kind of change it is, for the controls it evidences.
   * @default `change`
   */
  readonly kind?: ChangeKind;
  readonly action: string;
  readonly target: string;
  readonly before: unknown;
  readonly after: unknown;
  /**
   * The account and region the change was made in, added from where the run acts (`actingIn`).
   * @default the platform's own
   */
  readonly account?: string;
  readonly region?: string;
}

/** Where audit records go. */
export interface AuditTrail {
  record(entry: AuditRecord): void;
}

/** A trail that records where the run acts on every record written to it. */
export function auditTrailIn(
  trail: AuditTrail,
  where: { readonly account: string; readonly region: string } | undefined,
): AuditTrail {
  if (!where) return trail;
  return { record: (entry) => trail.record({ ...entry, account: where.account, region: where.region }) };
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
