import { escapeHtml } from './page-parts.js';

/** One change of an adaptive replay's rate, as its report lists it. */
export interface RateChange {
  readonly at: string;
  readonly rate: number;
  readonly reason: string;
}

/** The rate changes of a replay's report, if it has any. */
export function rateChangesOf(report: unknown): readonly RateChange[] {
  const log = (report as { rateLog?: unknown } | null)?.rateLog;
  return Array.isArray(log)
    ? log.filter(
        (e): e is RateChange =>
          typeof e?.at === 'string' && typeof e?.rate === 'number' && typeof e?.reason === 'string',
      )
    : [];
}

const secondsFrom = (start: string, at: string) => Math.round((Date.parse(at) - Date.parse(start)) / 1000);

/** `+m:ss` since the replay started. */
function since(seconds: number): string {
  return `+${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The rate over time as terminal lines: when (since the replay's start), the rate, why. */
export function rateTable(changes: readonly RateChange[]): string[] {
  const start = changes[0]?.at;
  if (!start) return [];
  return [
    '    rate over the replay:',
    ...changes.map(
      (c) => `      ${since(secondsFrom(start, c.at)).padStart(6)} ${`${c.rate}/s`.padStart(7)}  ${c.reason}`,
    ),
  ];
}

/**
 * The rate over time as a small step chart (inline SVG, nothing fetched): each change holds until
 * the next; every change's reason is its point's tooltip.
 */
export function rateChart(changes: readonly RateChange[], endAt?: string): string {
  const start = changes[0]?.at;
  if (!start) return '';
  const width = 480;
  const height = 120;
  const pad = 30;
  // Room for the axis' labels (`500/s`) left of it.
  const left = 48;
  const end = Math.max(1, secondsFrom(start, endAt ?? changes.at(-1)?.at ?? start));
  const top = Math.max(...changes.map((c) => c.rate), 1);
  const x = (seconds: number) => left + ((width - left - pad) * seconds) / end;
  const y = (rate: number) => height - pad + -((height - 2 * pad) * rate) / top;
  const points: string[] = [];
  changes.forEach((c, i) => {
    const from = secondsFrom(start, c.at);
    const to = i + 1 < changes.length ? secondsFrom(start, changes[i + 1]?.at ?? c.at) : end;
    points.push(
      `${x(from).toFixed(1)},${y(c.rate).toFixed(1)}`,
      `${x(to).toFixed(1)},${y(c.rate).toFixed(1)}`,
    );
  });
  const marks = changes
    .map(
      (c) =>
        `<circle cx="${x(secondsFrom(start, c.at)).toFixed(1)}" cy="${y(c.rate).toFixed(1)}" r="2.5"><title>${escapeHtml(`${since(secondsFrom(start, c.at))} ${c.rate}/s: ${c.reason}`)}</title></circle>`,
    )
    .join('');
  return `<svg class="rate-chart" role="img" aria-label="replay rate over time" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<line x1="${left}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/><line x1="${left}" y1="${pad}" x2="${left}" y2="${height - pad}" stroke="#999"/>
<text x="${left - 4}" y="${pad + 4}" text-anchor="end" font-size="10">${top}/s</text><text x="${left - 4}" y="${height - pad + 4}" text-anchor="end" font-size="10">0</text>
<text x="${width - pad}" y="${height - pad + 14}" text-anchor="end" font-size="10">${since(end)}</text>
<polyline fill="none" stroke="#1a73e8" stroke-width="2" points="${points.join(' ')}"/>${marks}</svg>`;
}
