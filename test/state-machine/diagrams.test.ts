import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../runbooks/definitions.js';
import {
  diagramDocument,
  diagramPath,
  refreshDiagramsCommand,
} from '../../state-machines/diagram-document.js';
import { renderAsl } from '../../state-machines/render-asl.js';
import { renderMermaid } from '../../state-machines/render-mermaid.js';

type Mermaid = { parse: (text: string) => Promise<unknown> };
let mermaid: Mermaid;

beforeAll(async () => {
  // mermaid's parser needs a DOM.
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  mermaid = (await import('mermaid')).default as unknown as Mermaid;
});

function mermaidBlock(markdown: string): string {
  const match = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  if (!match?.[1]) throw new Error('no mermaid block');
  return match[1];
}

describe.each(definitions.map((r) => [r.id, r] as const))('diagram of %s', (_id, runbook) => {
  it(`is up to date (refresh with \`${refreshDiagramsCommand}\`)`, () => {
    const committed = readFileSync(diagramPath(runbook), 'utf8');
    expect(committed, `${diagramPath(runbook)} is stale: run \`${refreshDiagramsCommand}\``).toBe(
      diagramDocument(runbook),
    );
  });

  it('parses with the real mermaid parser', async () => {
    const text = mermaidBlock(readFileSync(diagramPath(runbook), 'utf8'));
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
  });

  it('shows every state, the start and the end', () => {
    const text = renderMermaid(renderAsl(runbook));
    for (const name of Object.keys(renderAsl(runbook).States)) expect(text).toContain(name);
    expect(text).toContain('start(["Start"])');
    expect(text).toContain('finish(["End"])');
  });
});

describe('renderMermaid', () => {
  const text = renderMermaid(
    renderAsl(
      definitions.find((r) => r.id === 'api-5xx-spike') ?? (definitions[0] as (typeof definitions)[number]),
    ),
  );

  it('labels Choice branches with their conditions', () => {
    expect(text).toMatch(/-->\|"\$\.decision\.action == #quot;rollback#quot;"\|/);
    expect(text).toMatch(/-->\|"otherwise"\|/);
  });

  it('draws retries and catches apart from the normal flow', () => {
    expect(text).toMatch(/s\d+ -\.->\|"retry ×6/);
    expect(text).toMatch(/-\.->\|"on ApprovalRejectedError, States.Timeout"\|/);
    expect(text).toMatch(/linkStyle [\d,]+ stroke:#e69500/);
    expect(text).toMatch(/linkStyle [\d,]+ stroke:#d62728/);
  });

  it('marks approval and wait states', () => {
    expect(text).toMatch(
      /\{\{"✋ Ask for approval<br\/>waits for a human, times out after 900"\}\}:::approval/,
    );
    expect(text).toMatch(/\[\/"⏱ Let the alias settle<br\/>180s"\/\]:::wait/);
  });

  it('fails the mermaid parser on a broken diagram, so the parse check can fail', async () => {
    await expect(mermaid.parse('flowchart TD\n  a --> {')).rejects.toThrow(/Parse error/);
  });
});
