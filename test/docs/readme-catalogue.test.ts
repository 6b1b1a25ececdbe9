import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../gameday/scenarios/catalogue.js';
import { runbooks } from '../../runbooks/catalogue.js';

const readme = readFileSync('README.md', 'utf8');

/** The section under a `## ` heading, up to the next one. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first column of every table row in a section, where it is one code span. */
const rowIds = (text: string) => [...text.matchAll(/^\| `([^`]+)` \|/gm)].map(([, id]) => id);

describe("README's tables, checked against the catalogue", () => {
  it('lists every runbook once, in catalogue order, and no other', () => {
    expect(rowIds(section('Runbooks'))).toEqual(runbooks.map((r) => r.id));
  });

  it('lists every game day once, and no other', () => {
    const listed = rowIds(section('Game-day scenarios'));
    expect([...listed].sort()).toEqual(scenarios.map((s) => s.id).sort());
  });
});
