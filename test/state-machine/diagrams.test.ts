import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../runbooks/definitions.js';
import { policyFor, readAccessPolicy } from '../../slack/access-policy.js';
import {
  diagramDocument,
  diagramPath,
  examplePolicyFile,
  fullDiagram,
  operatorDiagram,
  refreshDiagramsCommand,
} from '../../state-machines/diagram-document.js';
import { renderEscalation } from '../../state-machines/escalation-diagram.js';
import { renderAsl } from '../../state-machines/render-asl.js';

type Mermaid = { parse: (text: string) => Promise<unknown> };
let mermaid: Mermaid;

beforeAll(async () => {
  // mermaid's parser needs a DOM.
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  mermaid = (await import('mermaid')).default as unknown as Mermaid;
});

describe.each(definitions.map((r) => [r.id, r] as const))('diagram of %s', (_id, runbook) => {
  it(`is up to date (refresh with \`${refreshDiagramsCommand}\`)`, () => {
    const committed = readFileSync(diagramPath(runbook), 'utf8');
    expect(committed, `${diagramPath(runbook)} is stale: run \`${refreshDiagramsCommand}\``).toBe(
      diagramDocument(runbook),
    );
  });

  it('parses with the real mermaid parser: the operator view, the full view and every escalation', async () => {
    const blocks = [...readFileSync(diagramPath(runbook), 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)];
    expect(blocks).toHaveLength(4);
    for (const [, text] of blocks) await expect(mermaid.parse(text ?? '')).resolves.toBeTruthy();
    await expect(mermaid.parse(fullDiagram(runbook))).resolves.toBeTruthy();
  });

  it('shows every state, the start and the end, in the full view', () => {
    const text = fullDiagram(runbook);
    for (const name of Object.keys(renderAsl(runbook).States)) expect(text).toContain(name);
    expect(text).toContain('start(["Start"])');
    expect(text).toContain('finish(["End"])');
  });
});

describe('the full view', () => {
  const text = fullDiagram(
    definitions.find((r) => r.id === 'api-5xx-spike') ?? (definitions[0] as (typeof definitions)[number]),
  );

  it('labels Choice branches with their conditions', () => {
    expect(text).toMatch(/-->\|"\$\.decision\.action == #quot;rollback#quot;"\|/);
    expect(text).toMatch(/-->\|"otherwise"\|/);
  });

  it('writes each step’s retry policies in its box and draws catches apart from the normal flow', () => {
    expect(text).toMatch(
      /\["Gather evidence<br\/>λ gather-evidence<br\/>retry ×6 Lambda\.ClientExecutionTimeoutException \+3/,
    );
    expect(text).toMatch(/-\.->\|"on ApprovalRejectedError, States.Timeout"\|/);
    expect(text).toMatch(/linkStyle [\d,]+ stroke:#d62728/);
  });

  it('marks approval and wait states in words, with no glyph a browser may lack', () => {
    expect(text).toMatch(
      /\{\{"Approval: Ask for approval<br\/>waits for a human, times out after 900"\}\}:::approval/,
    );
    expect(text).toMatch(/\[\/"Let the alias settle<br\/>180s"\/\]:::wait/);
    expect(text).not.toMatch(/[✋⏱]/u);
  });

  it('fails the mermaid parser on a broken diagram, so the parse check can fail', async () => {
    await expect(mermaid.parse('flowchart TD\n  a --> {')).rejects.toThrow(/Parse error/);
  });
});

describe('the operator view', () => {
  const runbook =
    definitions.find((r) => r.id === 'api-5xx-spike') ?? (definitions[0] as (typeof definitions)[number]);
  const text = operatorDiagram(runbook);

  it('folds the route every failing step takes into one legend, and keeps the decisions', () => {
    expect(text).toContain('legend>"Any step that fails: Escalate to on-call"]:::legend');
    expect(text).not.toMatch(/States\.ALL|-\.->\|"fails"\| s3/);
    expect(text).toMatch(/-\.->\|"rejected"\| s3/);
    expect(text).not.toMatch(/retry ×/);
  });

  it('says who is asked and for how long, decisions in words, and which steps change the target', () => {
    expect(text).toContain('{{"Ask on-call to approve<br/>waits up to 15 min"}}:::approval');
    expect(text).toContain('-.->|"no answer in time"|');
    expect(text).toContain('-->|"decision.action is #quot;rollback#quot;"|');
    expect(text).toContain('["Roll back alias ↻<br/>changes the target"]:::change');
    expect(text).toContain('[/"Let the alias settle<br/>waits 3 min"/]:::wait');
  });

  it('draws the path taken on the arrows as well as the states', () => {
    const order = ['Gather evidence', 'Decide', 'Recent deploy to blame?', 'Escalate to on-call'];
    const drawn = operatorDiagram(runbook, {
      visited: new Set(order),
      failed: new Set(),
      order,
      endedAt: 'Escalate to on-call',
    });
    const arrows = drawn.split('\n').filter((l) => / -->| -\.->/.test(l));
    const taken = /linkStyle ([\d,]+) stroke:#188038/.exec(drawn)?.[1]?.split(',').map(Number) ?? [];
    expect(taken.map((i) => arrows[i]?.trim())).toEqual([
      's0 --> s1',
      's1 --> s2',
      's2 -->|"otherwise"| s3',
      'start --> s0',
    ]);
  });
});

describe('the escalation diagram', () => {
  const runbook =
    definitions.find((r) => r.id === 'api-5xx-spike') ?? (definitions[0] as (typeof definitions)[number]);
  const policy = readAccessPolicy(examplePolicyFile);

  it('asks each tier in turn in its channel, with its approvers and wait, and pages when all are spent', () => {
    const prod = renderEscalation(runbook, 'prod', policyFor(policy, 'prod'));
    expect(prod).toContain('wants -->|"approval: a person"| t0');
    expect(prod).toContain(
      't0{{"Ask on-call<br/>in Slack C01ONCALL<br/>approvers: U01ONCALL, U02ONCALL<br/>not the person who started the run<br/>waits up to 15 min"}}:::approval',
    );
    expect(prod).toContain('t0 -->|"no answer in 15 min"| t1');
    expect(prod).toContain('t1 -->|"no answer in 15 min"| escalate');
    expect(prod).toContain('t1 -->|"rejected"| escalate');
    expect(prod).toContain('published to the Escalations topic');
  });

  it('lets a change within the budget of automated change go unasked where the environment allows it', () => {
    const dev = renderEscalation(runbook, 'dev', policyFor(policy, 'dev'));
    expect(dev).toContain('gate -->|"yes"| change');
    expect(dev).toContain('gate -->|"no: the budget is spent or automation is paused"| t0');
    expect(dev).not.toContain('not the person who started the run');
  });

  it('says when the policy has no such group, so nobody could answer', () => {
    const text = renderEscalation(runbook, 'prod', { starters: [], approverGroups: {} });
    expect(text).toContain('no such group in the Slack access policy: nobody can answer');
  });
});
