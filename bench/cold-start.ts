import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import type * as AppModule from '../infra/app.js';
import type * as FunctionModule from '../infra/platform-function.js';
import { type BenchResult, benchRuns, figure, median } from './bench-result.js';

/** A deployed function: its bundle as the CDK app builds it, its source entry, its environment. */
interface DeployedFunction {
  readonly name: string;
  readonly bundle: string;
  readonly unbundled: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** A deployed environment variable's value: references to other resources become stand-ins. */
function standIn(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v['Fn::Join']) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(standIn).join(separator);
  }
  if (v.Ref) return `arn:aws:lambda:eu-west-1:123456789012:function:${String(v.Ref)}`;
  if (v['Fn::GetAtt']) return `arn:aws:sqs:eu-west-1:123456789012:${(v['Fn::GetAtt'] as string[]).join('-')}`;
  return JSON.stringify(value);
}

/**
 * Every function the CDK app deploys, synthesized with bundling on into a scratch directory by the
 * app compiled to `dist/` (what `npm run build` emits), so each entry, the dispatcher's generated
 * one too, is compiled JavaScript to load unbundled.
 */
async function deployedFunctions(outdir: string): Promise<DeployedFunction[]> {
  const compiled: string = '../dist/infra/';
  const { createApp } = (await import(`${compiled}app.js`)) as typeof AppModule;
  const { PlatformFunction } = (await import(`${compiled}platform-function.js`)) as typeof FunctionModule;
  const { app } = createApp(new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } }));
  const assembly = app.synth();
  const functions = app.node
    .findAll()
    .filter((c): c is FunctionModule.PlatformFunction => c instanceof PlatformFunction);
  return functions.map((fn) => {
    const stack = Stack.of(fn);
    const template = assembly.getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, { Metadata?: Record<string, string>; Properties: Record<string, unknown> }>;
    };
    const resource = template.Resources[stack.getLogicalId(fn.function.node.defaultChild as CfnResource)];
    const assetPath = resource?.Metadata?.['aws:asset:path'];
    if (!resource || !assetPath) throw new Error(`no bundle for ${fn.node.path}`);
    const variables = (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    return {
      name: fn.node.id,
      bundle: join(outdir, assetPath, 'index.mjs'),
      unbundled: fn.entry,
      environment: Object.fromEntries(Object.entries(variables ?? {}).map(([k, v]) => [k, standIn(v)])),
    };
  });
}

/** Milliseconds a fresh Node process takes to import `module`, with the function's environment. */
function loadTime(module: string, environment: Readonly<Record<string, string>>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(module).href)}); process.stdout.write(String(performance.now() - t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'cold-start',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...environment,
    },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`loading ${module} failed: ${child.stderr}`);
  return Number(child.stdout);
}

/**
 * Cold start: for every function the CDK app deploys, the size of its bundle (built with the app's
 * own bundling options) and its module load time in fresh Node processes with its deployed
 * environment, beside the same entry loaded unbundled from the compiled source tree, alternating.
 */
export async function coldStart(): Promise<BenchResult[]> {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  const outdir = mkdtempSync(join(tmpdir(), 'cold-start-'));
  try {
    const measured = (await deployedFunctions(outdir)).map((fn) => {
      const bundled: number[] = [];
      const unbundled: number[] = [];
      for (let run = 0; run < benchRuns; run += 1) {
        bundled.push(loadTime(fn.bundle, fn.environment));
        unbundled.push(loadTime(fn.unbundled, fn.environment));
      }
      return {
        name: fn.name,
        kb: statSync(fn.bundle).size / 1024,
        bundled,
        unbundled,
        ratios: bundled.map((ms, i) => (unbundled[i] ?? 0) / ms),
      };
    });
    const largest = measured.reduce((a, b) => (b.kb > a.kb ? b : a));
    const slowest = measured.reduce((a, b) => (median(b.bundled) > median(a.bundled) ? b : a));
    const leastGain = measured.reduce((a, b) => (median(b.ratios) < median(a.ratios) ? b : a));
    const functions = measured.map((m) => ({
      name: m.name,
      bundleKb: Math.round(m.kb),
      initMs: Math.round(median(m.bundled)),
      unbundledInitMs: Math.round(median(m.unbundled)),
      speedup: Number(median(m.ratios).toFixed(2)),
    }));
    return [
      {
        ...figure('cold-start-bundle-kb-max', 'KB', [largest.kb]),
        details: { function: largest.name, functions },
      },
      { ...figure('cold-start-init-ms-max', 'ms', slowest.bundled), details: { function: slowest.name } },
      {
        ...figure('cold-start-speedup-min', 'x', leastGain.ratios, 2),
        details: { function: leastGain.name },
      },
    ];
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
