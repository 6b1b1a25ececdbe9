import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCatalogueSnapshot } from '../../../cli/write-catalogue-snapshot.js';

describe('the catalogue the build writes beside the CLI', () => {
  it('is what the runbook and game-day modules say (npm run build rewrites it)', () => {
    const built = JSON.parse(readFileSync('dist/cli/catalogue.json', 'utf8'));
    expect(built).toEqual(JSON.parse(JSON.stringify(buildCatalogueSnapshot())));
  });
});
