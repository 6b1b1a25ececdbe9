import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunbookDefinition } from '../../runbooks/runbook.js';
import type { AccountIdentity } from '../account/account-identity.js';
import { DeployedPlatform } from './deployed-platform.js';
import type { Template } from './template-resolver.js';

/** CDK context settings (`runbooks:*`), as a deployment is configured. */
export type DeploymentSettings = Readonly<Record<string, unknown>>;

/** One synthesized stack: its name and template. */
interface SynthesizedStack {
  readonly stackName: string;
  readonly template: Template;
}

/** What the CDK app synthesizes for some settings: the platform stack, and a hub's spoke stacks. */
interface Synthesized extends SynthesizedStack {
  /** For the accounts listed by id (no `organizationalUnitId`) and one per OU listed. */
  readonly spokes: readonly (SynthesizedStack & { readonly organizationalUnitId?: string })[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** The code the CDK app is built from (TypeScript sources, or their compiled JavaScript). */
const codeRoot = join(here, '..', '..');
const sourceFolders = ['infra', 'handlers', 'runbooks', 'slack', 'state-machines'];

/** The folder holding the project's package-lock.json (above the compiled code, when run from it). */
export function projectRoot(): string {
  for (let dir = codeRoot; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json'))) return dir;
    if (dirname(dir) === dir) return codeRoot;
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|js|json)$/.test(name) ? [path] : [];
    });
}

let sourcesDigest: string | undefined;

/** One digest of everything a synth depends on: the app's code and the locked dependency versions. */
function digestOfSources(): string {
  if (sourcesDigest) return sourcesDigest;
  const hash = createHash('sha256');
  const root = projectRoot();
  for (const file of [
    ...sourceFolders.flatMap((folder) => filesUnder(join(codeRoot, folder))),
    join(root, 'package-lock.json'),
  ]) {
    if (!existsSync(file)) continue;
    hash.update(file.slice(codeRoot.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  sourcesDigest = hash.digest('hex');
  return sourcesDigest;
}

/** Synthesizes the platform in-process: bundling skipped, no cdk-nag and no template validation (the CDK app's own tests run those). */
async function synthesize(
  settings: DeploymentSettings,
  runbooks: readonly RunbookDefinition[] | undefined,
): Promise<Synthesized> {
  const [{ App }, { createApp }] = await Promise.all([import('aws-cdk-lib'), import('../../infra/app.js')]);
  const { app, stack, spokes } = createApp(
    new App({
      builtinCloudFormationValidation: false,
      context: { ...settings, 'aws:cdk:bundling-stacks': [] },
    }),
    { nag: false, ...(runbooks ? { runbooks } : {}) },
  );
  const assembly = app.synth({ validateOnSynthesis: false });
  const templateOf = (name: string) => assembly.getStackByName(name).template as Template;
  return {
    stackName: stack.stackName,
    template: templateOf(stack.stackName),
    spokes: spokes.map((spoke) => ({
      stackName: spoke.stackName,
      template: templateOf(spoke.stackName),
      ...(spoke.organizationalUnitId ? { organizationalUnitId: spoke.organizationalUnitId } : {}),
    })),
  };
}

const synthesized = new Map<string, Promise<Synthesized>>();

/**
 * The platform's template for these settings, as the CDK app synthesizes it. Templates of the
 * built-in catalogue are kept by the digest of the app's code, its locked dependencies and the
 * settings (in memory, and in `node_modules/.cache/lambda-runbooks`), so a later run with nothing
 * changed reuses them. A platform with other runbooks (a team's own, whose code lives elsewhere)
 * is kept in memory only, for the process.
 */
export function platformTemplate(
  settings: DeploymentSettings,
  runbooks?: readonly RunbookDefinition[],
): Promise<Synthesized> {
  const key = createHash('sha256')
    .update(digestOfSources())
    .update(JSON.stringify(settings))
    .update(runbooks ? JSON.stringify(runbooks.map((r) => r.id)) : '')
    .digest('hex');
  let found = synthesized.get(key);
  if (!found && runbooks) {
    found = synthesize(settings, runbooks);
    synthesized.set(key, found);
  }
  if (!found) {
    const cacheDir = join(projectRoot(), 'node_modules', '.cache', 'lambda-runbooks');
    const cached = join(cacheDir, `platform-${key.slice(0, 32)}.json`);
    found = existsSync(cached)
      ? Promise.resolve(JSON.parse(readFileSync(cached, 'utf8')) as Synthesized)
      : synthesize(settings, undefined).then((result) => {
          mkdirSync(cacheDir, { recursive: true });
          // Written whole, then renamed: a reader in another process never sees half a file.
          const partial = `${cached}.${process.pid}`;
          writeFileSync(partial, JSON.stringify(result));
          renameSync(partial, cached);
          return result;
        });
    synthesized.set(key, found);
  }
  return found;
}

/** The platform deployed with these settings into an account: every name, ARN and policy resolved. */
export async function deployPlatform(
  settings: DeploymentSettings,
  identity: AccountIdentity,
  runbooks?: readonly RunbookDefinition[],
): Promise<DeployedPlatform> {
  const { stackName, template } = await platformTemplate(settings, runbooks);
  return new DeployedPlatform(stackName, template, identity);
}

/**
 * The hub's spoke stack, as the StackSet deploys it into a workload account: the one for an
 * organizational unit's accounts, or the one for accounts listed by id; undefined when the
 * settings make no such spoke (no `runbooks:organization`, or the OU is not listed).
 */
export async function deploySpoke(
  settings: DeploymentSettings,
  identity: AccountIdentity,
  runbooks?: readonly RunbookDefinition[],
  organizationalUnitId?: string,
): Promise<DeployedPlatform | undefined> {
  const { spokes } = await platformTemplate(settings, runbooks);
  const spoke = spokes.find((s) => s.organizationalUnitId === organizationalUnitId);
  return spoke ? new DeployedPlatform(spoke.stackName, spoke.template, identity) : undefined;
}
