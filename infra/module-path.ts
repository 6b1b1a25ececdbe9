import { fileURLToPath } from 'node:url';

/**
 * The path of a module of this project, given without extension relative to the project root:
 * a TypeScript source when the app runs from sources (`cdk synth`, tests), its compiled JavaScript
 * when it runs from `dist/` (the simulated account synthesizes the app from there).
 */
export function projectModule(path: string): string {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`../${path}.${extension}`, import.meta.url));
}
