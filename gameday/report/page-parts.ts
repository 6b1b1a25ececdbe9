import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Text made safe inside HTML elements and attribute values. */
export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Mermaid's browser bundle, safe to inline in a `<script>` element. */
export const mermaidSource = () =>
  readFileSync(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'), 'utf8').replace(
    /<\/script/gi,
    '<\\/script',
  );

/** The list a page's rendering problems and script errors are written into (`#page-errors`). */
export const pageErrorsList = '<ul id="page-errors"></ul>';

/** Styles of the page-errors list. */
export const pageErrorsStyle =
  '#page-errors:empty{display:none}#page-errors{color:#d62728;border:2px solid #d62728;padding:.5rem}';

/**
 * The script that renders a page's `pre.mermaid` diagrams with Mermaid (strict security: a
 * record's text cannot add links or scripts), writes every script error and rendering problem
 * into `#page-errors` and the number of diagrams drawn into `body[data-rendered]`, so a headless
 * browser checks the page as people see it; `then` runs once rendering is over.
 */
export const renderDiagramsScript = (then = '') => `(() => {
  const errors = document.getElementById('page-errors');
  const report = (text) => { const li = document.createElement('li'); li.textContent = text; errors.appendChild(li); };
  const consoleError = console.error.bind(console);
  console.error = (...args) => { report(args.map(String).join(' ')); consoleError(...args); };
  window.addEventListener('error', (e) => report('error: ' + e.message));
  window.addEventListener('unhandledrejection', (e) => report('unhandled: ' + (e.reason && e.reason.message || e.reason)));
  if (typeof mermaid === 'undefined') { report('mermaid did not load'); return; }
  // Drawn at their own size (the container scrolls): scaled to the page, large charts' text is unreadable.
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { useMaxWidth: false } });
  mermaid.run({ querySelector: 'pre.mermaid' })
    .then(() => { document.body.dataset.rendered = String(document.querySelectorAll('pre.mermaid svg').length); })
    .catch((e) => report('mermaid: ' + (e && e.message || e)))
    .finally(() => { ${then} });
})();`;
