import { createHash } from 'node:crypto';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import canonicalize from 'canonicalize';
import type { AslDefinition } from '../../state-machines/asl-types.js';
import { renderMermaid } from '../../state-machines/render-mermaid.js';
import type { AuditRecord, ChangeKind } from '../lib/audit-trail.js';
import { type Control, controlsOf, type EvidencedSubject } from './control-matrix.js';
import type { RecordSignature } from './record-signature.js';

/** The version of the record's shape (docs/evidence-record.md); a reader refuses others. */
export const evidenceSchemaVersion = '1.0';

/** One approval request: the group asked, and how it ended. */
export interface ApprovalEvidence {
  readonly state: string;
  readonly group: string;
  readonly askedAt: string;
  readonly answer: 'approved' | 'rejected' | 'no answer' | 'pending' | 'refused';
  readonly by?: string;
  readonly at?: string;
  /** Why, where the platform answered itself (the budget of automated change). */
  readonly reason?: string;
  /** Four eyes: who started the run and who approved it, and whether they are two people. */
  readonly fourEyes?: { readonly requester: string; readonly approver: string; readonly distinct: boolean };
}

/** One change, as its step recorded it. */
export interface ChangeEvidence {
  readonly at: string;
  readonly step: string;
  readonly kind: ChangeKind;
  readonly action: string;
  readonly resource: string;
  readonly account?: string;
  readonly region?: string;
  readonly before: unknown;
  readonly after: unknown;
  /** The request ids of the calls that made it, to find them in CloudTrail (none for a replay's many calls). */
  readonly requestIds: readonly string[];
}

/** What started the run. */
export interface TriggerEvidence {
  readonly kind: 'alarm' | 'event' | 'person';
  /** `alarm`, `slack:<user>`, `cli:<user>`, `aws-health`, `secrets-manager`, … as the dispatcher recorded it. */
  readonly requestedBy: string;
  readonly alarm?: {
    readonly name: string;
    readonly arn?: string;
    readonly eventId?: string;
    readonly at?: string;
  };
  readonly event?: { readonly id?: string; readonly source?: string; readonly detailType?: string };
}

/** A signed, write-once record of one execution: what an auditor is handed. */
export interface EvidenceRecord {
  readonly schemaVersion: typeof evidenceSchemaVersion;
  readonly execution: {
    readonly arn: string;
    readonly name: string;
    readonly status: string;
    readonly startedAt: string;
    readonly stoppedAt: string | null;
  };
  readonly runbook: string;
  readonly trigger: TriggerEvidence;
  readonly target: {
    readonly key: string;
    readonly account: string | null;
    readonly region: string | null;
    readonly environment: string | null;
  };
  /** What the run found before it decided: figures, never secret values. */
  readonly evidence: unknown;
  readonly decision: unknown;
  readonly approvals: readonly ApprovalEvidence[];
  readonly changes: readonly ChangeEvidence[];
  readonly verification: unknown;
  readonly outcome: { readonly status: string; readonly result: string; readonly reason: string | null };
  readonly definition: {
    /** SHA-256 of the state machine's ASL (RFC 8785 canonical JSON), as it ran. */
    readonly aslSha256: string;
    /** The states the run entered, in order. */
    readonly pathTaken: readonly string[];
    /** The definition's flowchart (Mermaid), the states entered, failed and ended in marked. */
    readonly diagram: string;
  };
  readonly controls: readonly Control[];
  /**
   * An adaptive DLQ replay's rate over time and why it changed (its report's `rateLog`).
   * @default absent: the run paced nothing
   */
  readonly pace?: readonly { readonly at: string; readonly rate: number; readonly reason: string }[];
  /** Null until signed (`signRecord`). */
  readonly signature: RecordSignature | null;
}

/** What an execution left behind, from Step Functions and the audit trail. */
export interface ExecutionFacts {
  readonly executionArn: string;
  readonly name: string;
  readonly runbook: string;
  readonly status: string;
  readonly startedAt: Date;
  readonly stoppedAt?: Date;
  readonly input: unknown;
  readonly history: readonly HistoryEvent[];
  /** The state machine's definition as it ran (its callback states are the approvals). */
  readonly definition: unknown;
  /** Every change the run's steps recorded. */
  readonly changes: readonly AuditRecord[];
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const parsed = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text ?? 'null');
  } catch {
    return null;
  }
};

/** The canonical bytes of a value (RFC 8785): what is hashed and signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value) ?? 'null', 'utf8');
}

/** The callback (approval) states of a definition, with the group each asks, from their parameters. */
function approvalStates(definition: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (states: unknown) => {
    for (const [name, state] of Object.entries(asRecord(states))) {
      const s = asRecord(state);
      if (String(s.Resource ?? '').endsWith('.waitForTaskToken')) {
        const payload = asRecord(asRecord(s.Parameters).Payload);
        found.set(name, String(payload.group ?? 'unknown'));
      }
      for (const branch of (s.Branches ?? []) as unknown[]) visit(asRecord(branch).States);
      if (s.Iterator) visit(asRecord(s.Iterator).States);
      if (s.ItemProcessor) visit(asRecord(s.ItemProcessor).States);
    }
  };
  visit(asRecord(definition).States);
  return found;
}

/** The run's state as its states saw it: every state's input merged, the latest value of each key. */
function accumulatedState(history: readonly HistoryEvent[]): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (const event of history) {
    const input = event.stateEnteredEventDetails?.input;
    const output = event.stateExitedEventDetails?.output;
    Object.assign(state, asRecord(parsed(input ?? undefined)), asRecord(parsed(output ?? undefined)));
  }
  return state;
}

function approvalsOf(facts: ExecutionFacts, requestedBy: string): ApprovalEvidence[] {
  const states = approvalStates(facts.definition);
  const approvals: ApprovalEvidence[] = [];
  let current: { name: string; askedAt: string } | undefined;
  const iso = (d: Date | undefined) => (d ?? facts.startedAt).toISOString();
  for (const event of facts.history) {
    const entered = event.stateEnteredEventDetails?.name;
    if (entered && states.has(entered)) current = { name: entered, askedAt: iso(event.timestamp) };
    if (!current) continue;
    const group = states.get(current.name) ?? 'unknown';
    const base = { state: current.name, group, askedAt: current.askedAt };
    if (event.stateExitedEventDetails?.name === current.name) {
      const answer = asRecord(parsed(event.stateExitedEventDetails.output ?? undefined));
      const approval = Object.values(answer)
        .map(asRecord)
        .find((v) => typeof v.approvedBy === 'string');
      const by = String(approval?.approvedBy ?? 'unknown');
      approvals.push({
        ...base,
        answer: 'approved',
        by,
        at: String(approval?.approvedAt ?? iso(event.timestamp)),
        fourEyes: { requester: requestedBy, approver: by, distinct: by !== requestedBy },
      });
      current = undefined;
    } else if (event.taskFailedEventDetails || event.taskTimedOutEventDetails) {
      const error = event.taskFailedEventDetails?.error ?? event.taskTimedOutEventDetails?.error ?? '';
      const cause = event.taskFailedEventDetails?.cause ?? '';
      const rejected = error === 'ApprovalRejectedError';
      const by = /rejected by ([^\s:]+)/.exec(cause)?.[1];
      approvals.push({
        ...base,
        answer: rejected ? 'rejected' : 'no answer',
        ...(by ? { by } : {}),
        at: iso(event.timestamp),
      });
      current = undefined;
    }
  }
  if (current)
    approvals.push({
      state: current.name,
      group: states.get(current.name) ?? 'unknown',
      askedAt: current.askedAt,
      answer: 'pending',
    });
  return approvals;
}

function triggerOf(input: Record<string, unknown>, requestedBy: string): TriggerEvidence {
  const detail = asRecord(input.detail);
  if (input.source === 'aws.cloudwatch' && typeof detail.alarmName === 'string') {
    const resources = (input.resources ?? []) as unknown[];
    return {
      kind: 'alarm',
      requestedBy,
      alarm: {
        name: detail.alarmName,
        ...(typeof resources[0] === 'string' ? { arn: resources[0] } : {}),
        ...(typeof input.id === 'string' ? { eventId: input.id } : {}),
        ...(typeof asRecord(detail.state).timestamp === 'string'
          ? { at: String(asRecord(detail.state).timestamp) }
          : {}),
      },
    };
  }
  if (requestedBy.startsWith('slack:') || requestedBy.startsWith('cli:') || input.manualStart)
    return { kind: 'person', requestedBy };
  return {
    kind: 'event',
    requestedBy,
    event: {
      ...(typeof input.id === 'string' ? { id: input.id } : {}),
      ...(typeof input.source === 'string' ? { source: input.source } : {}),
      ...(typeof input['detail-type'] === 'string' ? { detailType: input['detail-type'] } : {}),
    },
  };
}

/**
 * The evidence record of one execution, unsigned: who or what started it, where it acted, what it
 * found and decided, every approval and change, how it was verified and ended, the definition
 * that ran and the path it took, and the controls all of it evidences.
 */
export function buildEvidenceRecord(facts: ExecutionFacts): EvidenceRecord {
  const input = asRecord(facts.input);
  const dispatch = asRecord(input.dispatch);
  const requestedBy = String(dispatch.requestedBy ?? 'unknown');
  const state = accumulatedState(facts.history);
  const path: string[] = [];
  const failed = new Set<string>();
  for (const event of facts.history) {
    const name = event.stateEnteredEventDetails?.name;
    if (name) path.push(name);
    const current = path.at(-1);
    if (current && (event.taskFailedEventDetails || event.taskTimedOutEventDetails)) failed.add(current);
  }
  const approvals = approvalsOf(facts, requestedBy);
  // Where policy let the run change without a person, the budget of automated change answered.
  const gate = asRecord(state.changeGate);
  if (typeof gate.granted === 'boolean')
    approvals.unshift({
      state: 'change gate',
      group: 'automatic (policy)',
      askedAt: facts.startedAt.toISOString(),
      answer: gate.granted ? 'approved' : 'refused',
      by: 'budget of automated change',
      ...(typeof gate.reason === 'string' ? { reason: gate.reason } : {}),
    });
  const changes: ChangeEvidence[] = facts.changes
    .filter((c) => c.executionId === facts.executionArn || c.executionId === facts.name)
    .map((c) => ({
      at: c.at,
      step: c.step,
      kind: c.kind ?? 'change',
      action: c.action,
      resource: c.target,
      ...(c.account ? { account: c.account } : {}),
      ...(c.region ? { region: c.region } : {}),
      before: c.before ?? null,
      after: c.after ?? null,
      requestIds: c.requestIds ?? [],
    }));
  const output = asRecord(
    parsed(
      facts.history.find((e) => e.executionSucceededEventDetails)?.executionSucceededEventDetails?.output ??
        undefined,
    ),
  );
  const failure = asRecord(state.failure);
  const escalated = path.some((name) => /^Escalate/.test(name)) || output.outcome === 'escalated';
  const subjects = new Set<EvidencedSubject>(['record', ...changes.map((c) => c.kind)]);
  if (approvals.some((a) => a.answer === 'approved')) subjects.add('four-eyes');
  if (escalated) subjects.add('escalation');
  const result =
    typeof output.outcome === 'string'
      ? output.outcome
      : facts.status === 'SUCCEEDED'
        ? 'succeeded'
        : facts.status.toLowerCase();
  const reason =
    typeof output.reason === 'string'
      ? output.reason
      : typeof failure.Error === 'string'
        ? `${failure.Error}`
        : null;
  return {
    schemaVersion: evidenceSchemaVersion,
    execution: {
      arn: facts.executionArn,
      name: facts.name,
      status: facts.status,
      startedAt: facts.startedAt.toISOString(),
      stoppedAt: facts.stoppedAt?.toISOString() ?? null,
    },
    runbook: facts.runbook,
    trigger: triggerOf(input, requestedBy),
    target: {
      key: String(dispatch.target ?? 'unknown'),
      account: typeof dispatch.account === 'string' ? dispatch.account : null,
      region: typeof dispatch.region === 'string' ? dispatch.region : null,
      environment: typeof dispatch.environment === 'string' ? dispatch.environment : null,
    },
    evidence: state.evidence ?? state.inspection ?? state.plan ?? state.concurrency ?? null,
    decision: state.decision ?? null,
    approvals,
    changes,
    verification: state.verification ?? state.afterRollback ?? null,
    outcome: { status: facts.status, result, reason },
    definition: {
      aslSha256: createHash('sha256').update(canonicalBytes(facts.definition)).digest('hex'),
      pathTaken: path,
      diagram: renderMermaid(facts.definition as AslDefinition, {
        path: {
          visited: new Set(path),
          failed,
          order: path,
          ...(path.length ? { endedAt: path.at(-1) } : {}),
        },
      }),
    },
    controls: controlsOf(subjects),
    ...(Array.isArray(output.rateLog) ? { pace: output.rateLog as EvidenceRecord['pace'] } : {}),
    signature: null,
  };
}
