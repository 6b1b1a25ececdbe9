/** An EventBridge event as delivered to targets. */
export interface BusEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A rule's pattern: the subset of EventBridge patterns the platform's rules use (exact values and `anything-but`). */
export interface EventPattern {
  readonly source?: readonly string[];
  readonly 'detail-type'?: readonly string[];
  readonly detail?: Readonly<Record<string, unknown>>;
}

function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((p) =>
      p && typeof p === 'object' && 'anything-but' in p
        ? !([] as unknown[]).concat((p as { 'anything-but': unknown })['anything-but']).includes(value)
        : p === value,
    );
  }
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matches(inner, (value as Record<string, unknown>)[key]),
    );
  }
  return false;
}

/** The default event bus: rules match events and deliver them to their targets. */
export class EventBus {
  private readonly rules: { pattern: EventPattern; target: (event: BusEvent) => void }[] = [];
  readonly delivered: BusEvent[] = [];

  addRule(pattern: EventPattern, target: (event: BusEvent) => void): void {
    this.rules.push({ pattern, target });
  }

  put(event: BusEvent): void {
    this.delivered.push(event);
    for (const rule of this.rules) if (matches(rule.pattern, event)) rule.target(event);
  }
}
