import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlatformError } from '../handlers/lib/errors.js';
import { runbookId } from '../runbooks/define-runbook.js';
import { withPackageImports } from './scaffold/package-imports.js';
import { camelOf, runbookFiles } from './scaffold/runbook-files.js';
import { type ScaffoldNames, type ScaffoldTarget, targetTemplates } from './scaffold/target-templates.js';

export class ScaffoldError extends PlatformError {
  override readonly name = 'ScaffoldError';
}

/** Ids of at most 32 characters keep the step names (`<id>-check`) within Lambda's name limit. */
const longestNewId = 32;
const catalogue = 'runbooks/catalogue.ts';

/** The catalogue with the new runbook imported and listed last. */
function listed(source: string, id: string, camel: string): string {
  const imports = [...source.matchAll(/^import .*;$/gm)];
  const last = imports.at(-1);
  const end = source.lastIndexOf('] as const;');
  if (!last || last.index === undefined || end < 0)
    throw new ScaffoldError(`${catalogue} is not a list this command can add to; add ${camel} by hand`);
  const at = last.index + last[0].length;
  const withImport = `${source.slice(0, at)}\nimport { ${camel} } from './${id}/runbook.js';${source.slice(at)}`;
  const close = withImport.lastIndexOf('] as const;');
  return `${withImport.slice(0, close).trimEnd()}\n  ${camel},\n${withImport.slice(close)}`;
}

/**
 * `runbook new <id> [--target queue|function] --package <name>`: the runbook folder for a team's
 * own repository, every import of the platform from the package; nothing else is written or
 * changed (the team lists it with its runbooks, see examples/own-platform).
 */
function newPackageRunbook(names: ScaffoldNames, packageName: string): number {
  const runbookDir = `runbooks/${names.id}`;
  const files = Object.entries(runbookFiles(names)).filter(([path]) => path.startsWith(`${runbookDir}/`));
  const taken = files.map(([path]) => path).filter((path) => existsSync(path));
  if (taken.length > 0)
    throw new ScaffoldError(`runbook ${names.id} exists already (${taken.join(', ')}); nothing written`);
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, withPackageImports(content, path, runbookDir, packageName));
  }
  console.log(`wrote runbook ${names.id} (${names.kind}) on ${packageName}:`);
  for (const [path] of files) console.log(`  ${path}`);
  console.log(
    `list ${names.camel} (${runbookDir}/runbook.ts) with your runbooks and hand them to createApp and runScenario`,
  );
  return 0;
}

/**
 * `runbook new <id> [--target queue|function]`: writes a working runbook folder (definition, two
 * steps, a game day, a test) and lists it in the catalogue, the one existing file it changes; then
 * formats what it wrote and writes the runbook's diagram. Run in the project's root. With
 * `--package <name>`, writes the folder for a team's own repository instead (`newPackageRunbook`).
 */
export function newRunbook(id: string, target: string, packageName?: string): number {
  if (!runbookId.test(id) || id.length > longestNewId)
    throw new ScaffoldError(
      `${JSON.stringify(id)} is not a kebab-case id of at most ${longestNewId} characters`,
    );
  if (!Object.hasOwn(targetTemplates, target)) {
    throw new ScaffoldError(
      `--target ${target}: the scaffold writes runbooks for ${Object.keys(targetTemplates).join(' or ')}`,
    );
  }
  const camel = camelOf(id);
  const names: ScaffoldNames = {
    id,
    camel,
    title: id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    kind: target,
    t: targetTemplates[target as ScaffoldTarget],
  };
  if (packageName !== undefined) return newPackageRunbook(names, packageName);
  if (!existsSync(catalogue)) throw new ScaffoldError(`no ${catalogue} here: run this in the project's root`);
  const source = readFileSync(catalogue, 'utf8');
  const files = runbookFiles(names);
  const taken = [`runbooks/${id}`, ...Object.keys(files)].filter((path) => existsSync(path));
  if (taken.length > 0 || source.includes(`'./${id}/runbook.js'`))
    throw new ScaffoldError(
      `runbook ${id} exists already (${taken.join(', ') || catalogue}); nothing written`,
    );
  const updated = listed(source, id, camel);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  writeFileSync(catalogue, updated);
  const paths = [...Object.keys(files), catalogue];
  execFileSync('npx', ['biome', 'check', '--write', ...paths], { stdio: 'ignore' });
  // The diagram is rendered from the definition just written: TypeScript, so through tsx.
  execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'diagrams'], { stdio: 'ignore' });
  console.log(`wrote runbook ${id} (${target}):`);
  for (const path of [...Object.keys(files), `diagrams/${id}.md`]) console.log(`  ${path}`);
  console.log(`listed it in ${catalogue}`);
  console.log(`try it: npx vitest run test/runbooks/${id}.test.ts`);
  return 0;
}
