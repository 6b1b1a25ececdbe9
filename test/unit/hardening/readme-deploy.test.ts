import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README’s first deploy', () => {
  it('bootstraps the account and region before the first deploy', () => {
    const readme = readFileSync('README.md', 'utf8');
    const deploying = readme.slice(
      readme.indexOf('## Deploying'),
      readme.indexOf('\n## ', readme.indexOf('## Deploying') + 1),
    );
    const bootstrap = deploying.indexOf('npx cdk bootstrap');
    expect(bootstrap).toBeGreaterThan(-1);
    expect(bootstrap).toBeLessThan(deploying.indexOf('npx cdk deploy'));
  });
});
