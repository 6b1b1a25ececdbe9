import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import { dispatcherFunction } from '../handlers/dispatcher/handler.js';

/**
 * The dispatcher's entry module for some runbooks' event triggers: their modules, each declaring
 * its trigger as it loads, then the dispatcher's handler. Its bundle carries those modules and
 * nothing else of the runbooks (a runbook's declaration would bring its steps and the CDK).
 */
export function dispatcherEntrySource(triggers: readonly EventTrigger[]): string {
  const modules = [...new Set(triggers.map((t) => fileURLToPath(t.module)))];
  return [
    '// Written by the CDK app: the dispatcher with the deployed runbooks’ event triggers.',
    ...modules.map((module) => `import ${JSON.stringify(module)};`),
    `export { handler } from ${JSON.stringify(fileURLToPath(dispatcherFunction.module))};`,
    '',
  ].join('\n');
}

/** Lock files the CDK's Lambda bundling looks for, upwards from the working directory. */
const lockFiles = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];

/** The project root as the CDK's Lambda bundling finds it: the folder of the nearest lock file. */
function projectRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (lockFiles.some((file) => existsSync(join(dir, file)))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/**
 * Writes the dispatcher's entry for these triggers and returns its path: under the project root,
 * where the CDK's Lambda bundling requires entries to be, in node_modules/.cache, named by its
 * content (written whole, then renamed, so another synth in parallel never reads half of it).
 */
export function writeDispatcherEntry(triggers: readonly EventTrigger[]): string {
  const source = dispatcherEntrySource(triggers);
  const dir = join(projectRoot(), 'node_modules', '.cache', 'lambda-runbooks');
  const path = join(
    dir,
    `dispatcher-entry-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.mjs`,
  );
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${path}.${process.pid}`;
    writeFileSync(partial, source);
    renameSync(partial, path);
  }
  return path;
}
