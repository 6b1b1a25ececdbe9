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

/** An event bus (the account's default, or a custom one): rules match events and deliver them to their targets. */
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

/** A rule target's input transformer: variables by JSON path, and the template they fill. */
export interface InputTransformer {
  readonly InputPathsMap?: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

/** The value at a JSON path of the forms the platform's rules use (`$`, `$.a.b`). */
function atPath(event: unknown, path: string): unknown {
  if (path === '$') return event;
  return path
    .replace(/^\$\./, '')
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], event);
}

/**
 * What a target with an input transformer is sent: the template with each `<variable>` replaced
 * by its value as JSON, or, inside a string, by its text (escaped for the string).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export function transformInput(event: BusEvent, transformer: InputTransformer): unknown {
  const values = new Map(
    Object.entries(transformer.InputPathsMap ?? {}).map(([name, path]) => [name, atPath(event, path)]),
  );
  const template = transformer.InputTemplate;
  let filled = '';
  let inString = false;
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i] ?? '';
    if (char === '"' && template[i - 1] !== '\\') inString = !inString;
    const variable = char === '<' ? /^<([\w.-]+)>/.exec(template.slice(i)) : null;
    if (!variable || !values.has(variable[1] ?? '')) {
      filled += char;
      continue;
    }
    const value = values.get(variable[1] ?? '');
    const json = JSON.stringify(value);
    filled += inString ? JSON.stringify(typeof value === 'string' ? value : json).slice(1, -1) : json;
    i += variable[0].length - 1;
  }
  return JSON.parse(filled);
}
