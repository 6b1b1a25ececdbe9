import { posix } from 'node:path';

/** One named import: what the module exports, what the file calls it, whether it is a type. */
interface Specifier {
  readonly name: string;
  readonly local: string;
  readonly type: boolean;
}

const importLine = /^import (type )?\{ ([^}]+) \} from '([^']+)';$/;

/** `handlers/shared/request-approval.js`' `step` is the package's `requestApproval`. */
function exportedName(target: string, name: string): string {
  const shared = /^handlers\/shared\/([a-z-]+)\.js$/.exec(target);
  if (shared?.[1] && name === 'step')
    return shared[1].replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return name;
}

function specifiersOf(list: string, allTypes: boolean, target: string): Specifier[] {
  return list.split(',').map((part) => {
    const words = part.trim().split(/\s+/);
    const type = allTypes || words[0] === 'type';
    const [name = '', as, local] = type && words[0] === 'type' ? words.slice(1) : words;
    return { name: exportedName(target, name), local: as === 'as' && local ? local : name, type };
  });
}

const written = (s: Specifier) =>
  `${s.type ? 'type ' : ''}${s.name}${s.local === s.name ? '' : ` as ${s.local}`}`;

/**
 * A scaffolded file as a team's own repository needs it: every import of the platform's code
 * (anything outside the runbook's own folder) becomes one import from the package's public face,
 * placed where the first of them was. `file` and `runbookDir` are paths from the project root.
 */
export function withPackageImports(
  source: string,
  file: string,
  runbookDir: string,
  packageName: string,
): string {
  const lines = source.split('\n');
  const fromPackage: Specifier[] = [];
  let at = -1;
  const kept = lines.filter((line, index) => {
    const match = importLine.exec(line);
    const [, allTypes, list = '', specifier = ''] = match ?? [];
    if (!match || !specifier.startsWith('.')) return true;
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    if (target.startsWith(`${runbookDir}/`)) return true;
    fromPackage.push(...specifiersOf(list, allTypes !== undefined, target));
    if (at < 0) at = index;
    return false;
  });
  if (at < 0) return source;
  const names = fromPackage.sort((a, b) => a.local.localeCompare(b.local, 'en', { sensitivity: 'base' }));
  // Every line before the first platform import was kept, so it goes back at the same index.
  kept.splice(at, 0, `import { ${names.map(written).join(', ')} } from '${packageName}';`);
  return kept.join('\n');
}
