import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../gameday/scenarios/catalogue.js';
import { renderInChromium } from '../support/chromium.js';

const render = renderInChromium;

/** Where the first test's game days left their evidence records, for the export's test. */
const evidenceDir = mkdtempSync(join(tmpdir(), 'report-evidence-'));

describe('the game-day report in a real browser', () => {
  it('renders every game day’s diagram to SVG with the path taken, offline, without errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const file = join(dir, 'report.html');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['dist/cli/main.js', 'gameday', '--html', file, '--evidence', evidenceDir],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    // What `npm start` prints fits a terminal: lines wrap at 110 characters, but for one long word (an ARN).
    const wide = stdout.split('\n').filter((line) => line.length > 110 && line.trim().includes(' '));
    expect(wide).toEqual([]);
    const html = readFileSync(file, 'utf8');
    // Self-contained: nothing is fetched from elsewhere.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/);
    const { dom, log } = await render(file);
    const sections = (dom.match(/<section id=/g) ?? []).length;
    expect(sections).toBe(scenarios.length);
    expect(dom).toContain(`data-rendered="${sections}"`);
    expect((dom.match(/aria-roledescription="flowchart-v2"/g) ?? []).length).toBe(sections);
    expect(dom).toMatch(/<ul id="page-errors"><\/ul>/);
    expect(log).not.toMatch(/Uncaught|CONSOLE.*(Error|error)/);
    // The bad deploy's run went through the rollback (s4), not the escalation (s3), and ended once.
    const badDeploy = dom.slice(
      dom.indexOf('<section id="bad-deploy">'),
      dom.indexOf('<section id="no-recent-deploy">'),
    );
    const classes = [
      ...badDeploy.matchAll(/<g class="node default ([^"]*)" id="[^"]*-flowchart-(\w+)-\d+"/g),
    ].map(([, cls, node]) => `${node} ${cls}`);
    expect(classes).toContain('s4 change visited');
    expect(classes).toContain('s3 task');
    expect(classes.filter((c) => c.includes('endedHere'))).toHaveLength(1);
    // The arrows taken are drawn too: from the alias roll-back on to the verification.
    expect(badDeploy).toMatch(/id="[^"]*L_s4_s10_0"[^>]*style="[^"]*stroke:#188038/);
    expect(badDeploy.includes('remediated · alias on version 5')).toBe(true);
    // In words as the actual outcome is, and one time format throughout.
    expect(badDeploy).toContain('Expected: remediated · alias on version 5');
    expect(badDeploy).not.toMatch(/\d+m \d+s/);
    // The page opens folded to the summary: every game day closed, its heading with its times.
    expect(dom).not.toMatch(/<details open="">\s*<summary><h2>/);
    expect(dom).toMatch(
      /<summary><h2>✔ bad-deploy <small>api-5xx-spike · detected T\+\d\d:\d\d · mitigated T\+\d\d:\d\d<\/small><\/h2><\/summary>/,
    );
    expect(dom).not.toContain('class="rendering"');
    // Each game day links its signed records, which are where the links say.
    const links = [...html.matchAll(/<p class="evidence">Evidence: (.*?)<\/p>/g)].flatMap(([, list]) =>
      [...(list ?? '').matchAll(/href="([^"]+)"/g)].map(([, href]) => href ?? ''),
    );
    expect(links.length).toBeGreaterThanOrEqual(scenarios.length - 2);
    for (const href of links) expect(existsSync(join(dir, href)), href).toBe(true);
  }, 120_000);

  it('renders the evidence export offline: the index and a run of every runbook, each diagram drawn, no errors', async () => {
    const out = mkdtempSync(join(tmpdir(), 'export-'));
    await promisify(execFile)(process.execPath, [
      'dist/cli/main.js',
      'evidence',
      'export',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--source',
      evidenceDir,
      '--html',
      out,
    ]);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    // Nothing is fetched: the one script is the export's own copy.
    expect([...index.matchAll(/<script src="([^"]+)"/g)].map(([, src]) => src)).toEqual(['mermaid.min.js']);
    const rendered = await render(join(out, 'index.html'));
    expect(rendered.dom).toMatch(/<ul id="page-errors"><\/ul>/);
    const pageOfEach = new Map<string, string>();
    for (const [, href, runbook] of index.matchAll(
      /<td><a href="(runs\/[^"]+)">[^<]+<\/a><br><small>[^<]*<\/small><\/td><td>([^<]+)<\/td>/g,
    ))
      if (href && runbook && !pageOfEach.has(runbook)) pageOfEach.set(runbook, href);
    expect([...pageOfEach.keys()].sort()).toEqual([
      'api-5xx-spike',
      'dlq-replay',
      'lambda-throttling',
      'queue-visibility',
      'runtime-upgrade',
      'secret-rotation',
    ]);
    for (const href of pageOfEach.values()) {
      const { dom, log } = await render(join(out, href));
      expect(dom, href).toContain('data-rendered="1"');
      expect(dom, href).toMatch(/<ul id="page-errors"><\/ul>/);
      expect(log, href).not.toMatch(/Uncaught|CONSOLE.*(Error|error)/);
      expect(dom, href).toContain('✔ signature verified');
      expect((dom.match(/class="node default [^"]*visited/g) ?? []).length, href).toBeGreaterThan(2);
    }
  }, 120_000);

  it('shows a closed-loop run with the path from its execution history, its timeline and clean-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const file = join(dir, 'run.html');
    await promisify(execFile)(process.execPath, [
      'dist/cli/main.js',
      'gameday',
      'run',
      'bad-deploy',
      '--html',
      file,
    ]);
    const { dom, log } = await render(file);
    expect(dom).toContain('data-rendered="1"');
    expect(dom).toMatch(/<ul id="page-errors"><\/ul>/);
    expect(log).not.toMatch(/Uncaught|CONSOLE.*(Error|error)/);
    const classes = [...dom.matchAll(/<g class="node default ([^"]*)" id="[^"]*-flowchart-(\w+)-\d+"/g)].map(
      ([, cls, node]) => `${node} ${cls}`,
    );
    expect(classes).toContain('s4 change visited');
    expect(classes).toContain('s3 task');
    expect(classes.filter((c) => c.includes('endedHere'))).toHaveLength(1);
    // Checked as booleans: a failure would otherwise print the whole rendered page.
    const shown = (pattern: RegExp | string) =>
      typeof pattern === 'string' ? dom.includes(pattern) : pattern.test(dom);
    expect(shown('Fault gone after clean-up: yes')).toBe(true);
    // The timeline says when the driver saw each step; the alarm's own time gives time to detect.
    expect(
      shown(
        /<tr class="alarm"><td>T\+\d\d:\d\d<\/td><td>alarm<\/td><td>checkout-5xx-rate in ALARM after 120 s/,
      ),
    ).toBe(true);
    expect(shown('checked: nothing of the fault is left')).toBe(true);
    expect(shown('"outcome": "remediated"')).toBe(true);
  }, 60_000);
});
