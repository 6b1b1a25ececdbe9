import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../runbooks/definitions.js';
import { renderAsl } from '../../state-machines/render-asl.js';

/**
 * The five original runbooks' state machines as deployed, kept from before the runbook kit: a
 * refactoring of how runbooks are declared must not change what runs. A deliberate change of a
 * definition rewrites its file (`runbook asl <id> > test/state-machine/golden/<id>.asl.json`).
 */
const golden = ['api-5xx-spike', 'dlq-replay', 'lambda-throttling', 'secret-rotation', 'runtime-upgrade'];

describe('state machine definitions', () => {
  it.each(golden)('%s renders the ASL it was reviewed with', (id) => {
    const kept = JSON.parse(readFileSync(`test/state-machine/golden/${id}.asl.json`, 'utf8'));
    expect(renderAsl(definitionOf(id))).toEqual(kept);
  });
});
