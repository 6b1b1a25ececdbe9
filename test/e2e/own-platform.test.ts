import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, { import: string }>;
  bin: Record<string, string>;
};

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * examples/own-platform is a team's CDK app in a repository of its own, depending on the packed
 * package. Here it is copied out of the repository and the package is installed into it from the
 * tarball `npm pack` makes; the package's dependencies resolve from this repository's
 * node_modules (the versions its lock file pins), so the test needs no registry.
 */
describe('examples/own-platform on the packed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'own-platform-'));
  const app = join(dir, 'app');
  const installed = join(app, 'node_modules', manifest.name);
  const run = (args: string[], env: Record<string, string> = {}) =>
    execFileSync(process.execPath, args, {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  beforeAll(() => {
    expect(existsSync('dist/index.js'), 'npm test builds dist before the tests run').toBe(true);
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      encoding: 'utf8',
    });
    const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
    cpSync('examples/own-platform', app, { recursive: true });
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, filename), '-C', installed, '--strip-components=1']);
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // The lock file of what is installed: the CDK's Lambda bundling looks for one above its entries.
    cpSync('package-lock.json', join(dir, 'package-lock.json'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships every module its entry points load, needing only the dependencies it declares', async () => {
    const entries = [
      ...Object.values(manifest.exports).map((e) => e.import),
      ...Object.values(manifest.bin),
    ].map((path) => resolve(installed, path));
    const { metafile } = await build({
      entryPoints: entries,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
      outdir: join(dir, 'bundle'),
      // The metafile's paths are relative to this directory (by default the process's, which
      // depends on where the repository is checked out).
      absWorkingDir: dir,
    });
    const external = new Set(
      Object.values(metafile.inputs)
        .flatMap((input) => input.imports)
        .filter((imported) => imported.external)
        .map((imported) => imported.path)
        .filter((path) => !path.startsWith('node:') && !builtinModules.includes(path))
        .map(packageOf),
    );
    const undeclared = [...external].filter((name) => !(name in manifest.dependencies));
    expect(undeclared).toEqual([]);
    // The runtime's own modules are what the package is: nothing loads from outside it.
    const outside = Object.keys(metafile.inputs).filter((path) => !resolve(dir, path).startsWith(installed));
    expect(outside).toEqual([]);
  });

  it('keeps the team’s runbook exactly as `runbook new --package` writes it', () => {
    const fresh = join(dir, 'fresh');
    mkdirSync(fresh);
    execFileSync(
      process.execPath,
      [
        join(installed, manifest.bin.runbook ?? ''),
        'new',
        'timeout-floor',
        '--target',
        'function',
        '--package',
        manifest.name,
      ],
      { cwd: fresh, stdio: 'ignore' },
    );
    const folder = 'runbooks/timeout-floor';
    const written = readdirSync(join(fresh, folder), { recursive: true, encoding: 'utf8' }).sort();
    expect(readdirSync(join(app, folder), { recursive: true, encoding: 'utf8' }).sort()).toEqual(written);
    for (const file of written.filter((f) => f.endsWith('.ts')))
      expect(readFileSync(join(app, folder, file), 'utf8'), file).toBe(
        readFileSync(join(fresh, folder, file), 'utf8'),
      );
  });

  it('type-checks the team’s runbook against the package’s declarations', () => {
    run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']);
  });

  it('runs the team’s game days on the simulated account, under the IAM its app deploys', () => {
    const output = run(['--import', 'tsx', 'gameday.ts']);
    expect(output).toContain('✔ passed: changed: timeout 10');
    expect(output).toContain('change   set timeout orders-api: 3 → 10');
    expect(output).not.toContain('FAILED');
  });

  it('synthesizes the platform with the team’s runbook beside the built-in ones, cdk-nag clean', () => {
    const outdir = join(dir, 'cdk.out');
    run(['--import', 'tsx', 'app.ts'], {
      CDK_OUTDIR: outdir,
      // Bundling is esbuild's work (about a minute for every function); the template is what is checked.
      CDK_CONTEXT_JSON: JSON.stringify({ 'runbooks:environment': 'dev', 'aws:cdk:bundling-stacks': [] }),
    });
    const template = JSON.parse(readFileSync(join(outdir, 'LambdaRunbooks-dev.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    const machines = resources
      .filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')
      .map((r) => r.Properties.StateMachineName);
    expect(machines).toEqual(expect.arrayContaining(['runbook-api-5xx-spike', 'runbook-timeout-floor']));
    const functionNames = resources
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => JSON.stringify(r.Properties.FunctionName));
    expect(functionNames.filter((name) => name.includes('timeout-floor'))).toHaveLength(2);
    const policies = JSON.stringify(resources.filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(policies).toContain('lambda:UpdateFunctionConfiguration');
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { conclusion: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.length).toBeGreaterThan(0);
    for (const plugin of report.pluginReports)
      expect([plugin.conclusion, plugin.violations]).toEqual(['success', []]);
  });
});
