import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../gameday/scenarios/catalogue.js';

const chromium =
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path)) ?? 'chromium';

/** The page as headless Chromium leaves it once scripts ran (the DOM), and what it logged. */
async function render(file: string) {
  const { stdout, stderr } = await promisify(execFile)(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--enable-logging=stderr',
      '--v=0',
      '--virtual-time-budget=30000',
      '--dump-dom',
      `file://${file}`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return { dom: stdout, log: stderr };
}

describe('the game-day report in a real browser', () => {
  it('renders every game day’s diagram to SVG with the path taken, offline, without errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const file = join(dir, 'report.html');
    await promisify(execFile)(process.execPath, ['dist/cli/main.js', 'gameday', '--html', file], {
      maxBuffer: 64 * 1024 * 1024,
    });
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
    expect(classes).toContain('s4 task visited');
    expect(classes).toContain('s3 task');
    expect(classes.filter((c) => c.includes('endedHere'))).toHaveLength(1);
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
    expect(classes).toContain('s4 task visited');
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
