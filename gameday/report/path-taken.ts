import type { PathTaken } from '../../state-machines/render-mermaid.js';
import type { TimelineEntry } from '../timeline.js';

/** The states a game day's executions entered, those that failed, and the last one, from its timeline. */
export function pathTaken(timeline: readonly TimelineEntry[]): PathTaken {
  const entered = timeline.filter((e) => e.kind === 'state').map((e) => e.text);
  const failed = timeline
    .filter((e) => e.kind === 'error' && !e.text.startsWith('execution failed'))
    .map((e) => e.text.split(': ')[0] ?? '');
  const last = entered.at(-1);
  return {
    visited: new Set(entered),
    failed: new Set(failed),
    order: entered,
    ...(last ? { endedAt: last } : {}),
  };
}
