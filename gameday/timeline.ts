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
  | 'event';

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
