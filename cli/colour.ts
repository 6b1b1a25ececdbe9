import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/**
 * Paints text for one output stream: colour on a terminal, plain text in a pipe, a file, or when
 * the user asks for none (`NO_COLOR` set and not empty, https://no-color.org; or `TERM=dumb`).
 */
export function painterFor(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): (style: Style, text: string) => string {
  const on = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  // Decided here: older Node 20 releases colour whatever the stream.
  return (style, text) => (on ? styleText(style, text, { validateStream: false }) : text);
}
