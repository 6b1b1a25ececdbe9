/** The signature of a message that is not JSON: consumers cannot parse it, so it cannot succeed. */
export const unparseableSignature = 'unparseable';

/**
 * Groups dead-lettered messages that failed for the same reason, as far as the message shows it:
 * unparseable bodies, else the message's `type` (or `eventType`/`detail-type`) and its top-level
 * field names. Messages of one signature usually share one bug.
 */
export function failureSignature(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return unparseableSignature;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return `json:${Array.isArray(parsed) ? 'array' : typeof parsed}`;
  const record = parsed as Record<string, unknown>;
  const type = record.type ?? record.eventType ?? record['detail-type'];
  return `${typeof type === 'string' ? type : 'untyped'}{${Object.keys(record).sort().join(',')}}`;
}
