import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  mermaidSource,
  pageErrorsList,
  renderDiagramsScript,
} from '../../gameday/report/page-parts.js';
import { environments } from '../../handlers/lib/step-deps.js';
import { definitions } from '../../runbooks/definitions.js';
import { policyFor, readAccessPolicy } from '../../slack/access-policy.js';
import { examplePolicyFile, fullDiagram, operatorDiagram } from '../../state-machines/diagram-document.js';
import { renderEscalation } from '../../state-machines/escalation-diagram.js';
import { renderInChromium } from '../support/chromium.js';

/**
 * Measured in the page, once Mermaid drew every diagram: the boxes of all text labels of each
 * diagram, pairs that overlap, and characters drawn as the font's missing-glyph box (drawn on a
 * canvas in the label's own font, they look like a private-use character nobody has a glyph for).
 */
const measure = `
const canvas = document.createElement('canvas'); canvas.width = 64; canvas.height = 64;
const ctx = canvas.getContext('2d', { willReadFrequently: true });
const look = (font, ch) => { ctx.clearRect(0, 0, 64, 64); ctx.font = font; ctx.fillText(ch, 4, 40); return ctx.getImageData(0, 0, 64, 64).data.join(','); };
const out = [...document.querySelectorAll('pre.mermaid')].map((pre) => {
  const svg = pre.querySelector('svg');
  const labels = svg ? [...svg.querySelectorAll('span.nodeLabel, span.edgeLabel')].filter((el) => el.textContent.trim()) : [];
  const boxes = labels.map((el) => ({ text: el.textContent.trim(), r: el.getBoundingClientRect() }));
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    if (w > 1 && h > 1) overlaps.push(a.text + ' / ' + b.text);
  }));
  const missing = new Set();
  for (const el of labels) {
    const font = getComputedStyle(el).font;
    const tofu = look(font, '\\uE000');
    for (const ch of new Set([...el.textContent].filter((c) => c.codePointAt(0) > 127)))
      if (look(font, ch) === tofu) missing.add(ch);
  }
  return { name: pre.dataset.name, drawn: Boolean(svg), labels: labels.length, overlaps, missing: [...missing] };
});
document.getElementById('measurements').textContent = JSON.stringify(out);`;

interface Measured {
  readonly name: string;
  readonly drawn: boolean;
  readonly labels: number;
  readonly overlaps: readonly string[];
  readonly missing: readonly string[];
}

async function measured(
  diagrams: readonly (readonly [string, string])[],
  /** Styles added to the page: the control moves labels with them. */
  style = '',
): Promise<Measured[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'diagrams-')), 'diagrams.html');
  writeFileSync(
    file,
    `<!doctype html><html><head><meta charset="utf-8"><style>${style}</style></head><body>${pageErrorsList}
${diagrams.map(([name, text]) => `<pre class="mermaid" data-name="${escapeHtml(name)}">${escapeHtml(text)}</pre>`).join('\n')}
<pre id="measurements"></pre>
<script>${mermaidSource()}</script><script>${renderDiagramsScript(measure)}</script></body></html>`,
  );
  const { dom } = await renderInChromium(file);
  expect(dom).toMatch(/<ul id="page-errors"><\/ul>/);
  const json = /<pre id="measurements">(.*?)<\/pre>/s.exec(dom)?.[1] ?? '[]';
  return JSON.parse(
    json
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

describe('generated diagrams drawn in Chromium', () => {
  it('have no two labels overlapping and no glyph missing, in every view of every runbook', async () => {
    const policy = readAccessPolicy(examplePolicyFile);
    const diagrams = definitions.flatMap((runbook) => [
      [`${runbook.id} operator`, operatorDiagram(runbook)] as const,
      [`${runbook.id} full`, fullDiagram(runbook)] as const,
      ...environments.map(
        (env) =>
          [
            `${runbook.id} escalation ${env}`,
            renderEscalation(runbook, env, policyFor(policy, env)),
          ] as const,
      ),
    ]);
    const results = await measured(diagrams);
    expect(results.map((r) => r.name)).toEqual(diagrams.map(([name]) => name));
    for (const r of results) {
      expect(r.drawn, r.name).toBe(true);
      expect(r.labels, r.name).toBeGreaterThan(5);
      expect(r.overlaps, r.name).toEqual([]);
      expect(r.missing, r.name).toEqual([]);
    }
  }, 120_000);

  it('would see an overlap and a missing glyph: labels moved onto one spot, and ✋ with no font for it', async () => {
    const [control] = await measured(
      [
        [
          'control',
          'flowchart LR\n  a["✋ Ask to approve"] -->|"approved"| b["Roll back"]\n  a -->|"rejected"| c["Escalate"]',
        ],
      ],
      'span.edgeLabel{position:fixed;left:0;top:0}',
    );
    expect(control?.missing).toEqual(['✋']);
    expect(control?.overlaps).toEqual(['approved / rejected']);
  }, 60_000);
});
