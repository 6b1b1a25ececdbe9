import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');

describe("README's deploy instructions", () => {
  it('names files that exist, as a command pasted in the repository’s root would read them', () => {
    const files = [...readme.matchAll(/runbooks:slackAccess=([^\s`'"]+)/g)].map(([, file]) => file ?? '');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(file), file).toBe(true);
  });

  it('names stack outputs the stack has', () => {
    const stack =
      readFileSync('infra/runbooks-stack.ts', 'utf8') + readFileSync('infra/slack-endpoints.ts', 'utf8');
    const named = [...readme.matchAll(/`([A-Z][A-Za-z]+(?:Arn|Name|Url))` output/g)].map(([, o]) => o ?? '');
    expect(named.length).toBeGreaterThan(0);
    for (const output of named) expect(stack, output).toContain(`'${output}'`);
  });
});
