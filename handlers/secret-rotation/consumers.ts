import { InvalidInputError } from '../lib/errors.js';
import { parseTarget } from '../lib/targets.js';
import type { Consumer } from './contract.js';

/**
 * The consumers named in the secret's tag (space separated) and the start's `consumers` parameter
 * (comma or space separated), each `function:alias`, without duplicates. Tags and parameters are
 * hostile input: every entry must be a Lambda function and alias name, or the run stops here.
 */
export function consumersOf(
  tagValue: string | undefined,
  parameter: string | undefined,
  max: number,
): Consumer[] {
  const entries = [tagValue ?? '', parameter ?? '']
    .flatMap((list) => list.split(/[\s,]+/))
    .filter((entry) => entry.length > 0);
  const consumers = new Map<string, Consumer>();
  for (const entry of entries) {
    const target = parseTarget(`lambda:${entry}`);
    if (target.kind !== 'function' || !target.alias)
      throw new InvalidInputError(`consumer "${entry}" names no alias: health checks run on function:alias`);
    consumers.set(`${target.functionName}:${target.alias}`, {
      functionName: target.functionName,
      alias: target.alias,
    });
  }
  if (consumers.size > max)
    throw new InvalidInputError(`${consumers.size} consumers named; one run checks at most ${max}`);
  return [...consumers.values()];
}
