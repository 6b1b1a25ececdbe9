/**
 * Slack text built from values people and events supplied. Slack reads `&`, `<` and `>` as control
 * characters in message text (mentions such as `<!channel>`, links such as `<url|label>`), so every
 * value is written with them as entities and shows as typed; only what this module marks trusted
 * (a mention of a Slack user id) keeps its meaning.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */

/** A piece of text Slack may interpret: built here, never from a raw value. */
export interface Trusted {
  readonly trusted: string;
}

/** A value as Slack shows it literally. */
export const escapeText = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const isTrusted = (value: unknown): value is Trusted =>
  typeof value === 'object' && value !== null && 'trusted' in value;

/** A template whose interpolated values are escaped (trusted pieces are kept as they are). */
export function md(strings: TemplateStringsArray, ...values: readonly unknown[]): string {
  return strings.reduce((text, part, i) => {
    if (i === 0) return part;
    const value = values[i - 1];
    return text + (isTrusted(value) ? value.trusted : escapeText(String(value))) + part;
  }, '');
}

/** Slack user ids: a U or W, then capital letters and digits. */
const userId = /^[UW][A-Z0-9]{2,20}$/;

/** `slack:<user id>` as a mention of that user; anyone else (`cli:<user>`, `alarm`) as text. */
export function requester(requestedBy: string): Trusted {
  const id = requestedBy.startsWith('slack:') ? requestedBy.slice('slack:'.length) : '';
  return { trusted: userId.test(id) ? `<@${id}>` : escapeText(requestedBy) };
}
