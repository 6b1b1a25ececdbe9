import type { LocalExecutionEvent } from '../state-machines/local-executor.js';

export type TimelineKind =
  | 'fault'
  | 'alarm'
  | 'dispatch'
  | 'state'
  | 'wait'
  | 'retry'
  | 'error'
  | 'approval'
  | 'change'
  | 'notify'
  | 'event'
  | 'person';

/** One line of a game day's story, in virtual time. */
export interface TimelineEntry {
  readonly at: string;
  /** Seconds since the fault was injected. */
  readonly offsetSeconds: number;
  readonly kind: TimelineKind;
  readonly text: string;
}

/** Fault → ALARM and fault → back to OK of the watched alarm (or the first to fire), from the timeline. */
export function detectionOf(timeline: readonly TimelineEntry[], watched: string | undefined) {
  const fired = timeline.find(
    (e) => e.kind === 'alarm' && / → ALARM/.test(e.text) && (!watched || e.text.startsWith(`${watched}:`)),
  );
  if (!fired) return { detected: null, mitigated: null };
  const name = fired.text.split(':')[0] ?? '';
  const recovered = timeline.find(
    (e) =>
      e.kind === 'alarm' &&
      e.offsetSeconds >= fired.offsetSeconds &&
      e.text.startsWith(`${name}: ALARM → OK`),
  );
  return { detected: fired.offsetSeconds, mitigated: recovered?.offsetSeconds ?? null };
}

export function timelineFor(
  event: LocalExecutionEvent,
  add: (kind: TimelineKind, text: string, at?: Date) => void,
): void {
  switch (event.kind) {
    case 'entered':
      add('state', event.state, event.at);
      break;
    case 'waited':
      add('wait', `${event.state}: waited ${event.detail}`, event.at);
      break;
    case 'retried':
      add('retry', `${event.state}: ${event.detail}`, event.at);
      break;
    case 'failed':
      add('error', `${event.state}: ${event.detail}`, event.at);
      break;
    case 'caught':
      add('error', `${event.state}: caught ${event.detail}`, event.at);
      break;
    case 'approval':
      add('approval', `${event.state}: ${event.detail}`, event.at);
      break;
  }
}

/** A value as people read it in a change: text as is, anything else as JSON, cut short. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : value == null ? 'none' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What a change did, field by field: `functionVersion 6 → 5` rather than two JSON documents, only
 * the fields that changed (the audit record keeps both states whole).
 */
export function describeChange(before: unknown, after: unknown): string {
  if (!isRecord(before) || !isRecord(after)) return `${shown(before)} → ${shown(after)}`;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  if (fields.length === 0) return 'unchanged';
  return fields.map((key) => `${key} ${shown(before[key])} → ${shown(after[key])}`).join(', ');
}
