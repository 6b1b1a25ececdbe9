import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const guide = readFileSync('docs/writing-a-runbook.md', 'utf8');

/** The guide's commands, in order: every line of its `sh` blocks (`console` blocks are shown, not run). */
const commands = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block = '']) =>
  block.split('\n').filter((line) => line.trim() !== ''),
);

/** The repository's files as a fresh clone has them (and files not yet committed, not ignored). */
function copyOfRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-guide-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && existsSync(file));
  for (const file of files) cpSync(file, join(dir, file), { recursive: true });
  symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Every file under the copy (but node_modules) with a digest of its content. */
function contents(dir: string): Map<string, string> {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return new Map(
    listed
      .split('\0')
      .filter((file) => file !== '' && !file.startsWith('node_modules'))
      .map((file) => [
        file,
        createHash('sha256')
          .update(readFileSync(join(dir, file)))
          .digest('hex'),
      ]),
  );
}

describe('docs/writing-a-runbook.md, followed on a copy of the repository', () => {
  const dir = copyOfRepository();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has commands to follow, the scaffold first', () => {
    expect(commands[0]).toBe('npx tsx cli/main.ts new visibility-floor --target queue');
    expect(commands.length).toBeGreaterThan(5);
  });

  it('works command by command; the scaffold changes no existing file but the runbook list', () => {
    // A repository of its own for the copy, so "which files changed" can be asked of git.
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const before = contents(dir);
    const outputs: string[] = [];
    for (const command of commands) {
      try {
        outputs.push(execFileSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }));
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        throw new Error(`\`${command}\` failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
      }
      if (command.includes(' new ')) {
        const after = contents(dir);
        const changed = [...before]
          .filter(([file, digest]) => after.get(file) !== digest)
          .map(([file]) => file);
        const added = [...after.keys()].filter((file) => !before.has(file)).sort();
        expect(changed).toEqual(['runbooks/catalogue.ts']);
        expect(added).toEqual([
          'diagrams/visibility-floor.md',
          'runbooks/visibility-floor/contract.ts',
          'runbooks/visibility-floor/definition.ts',
          'runbooks/visibility-floor/game-days.ts',
          'runbooks/visibility-floor/runbook.ts',
          'runbooks/visibility-floor/steps/apply.ts',
          'runbooks/visibility-floor/steps/check.ts',
          'test/runbooks/visibility-floor.test.ts',
        ]);
      }
    }
    const simulated = outputs.filter((_, at) => commands[at]?.includes(' simulate '));
    expect(simulated).toHaveLength(2);
    for (const output of simulated) {
      expect(output).toMatch(/change +set visibility timeout orders: 30 → 60/);
      expect(output).toMatch(/passed: changed: visibility timeout 60/);
    }
  }, 600_000);

  it('refuses a second scaffold of the same id, writing nothing', () => {
    const before = contents(dir);
    expect(() =>
      execFileSync('npx', ['tsx', 'cli/main.ts', 'new', 'visibility-floor'], { cwd: dir, stdio: 'pipe' }),
    ).toThrow(/runbook visibility-floor exists already/);
    expect(contents(dir)).toEqual(before);
  }, 120_000);
});
