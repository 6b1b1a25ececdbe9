/** Reads a simple JSONPath (`$`, `$.a.b`, `$.a[0]`) from a value; undefined when absent. */
export function readPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  const parts = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '');
  let current: unknown = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
