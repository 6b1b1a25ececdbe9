import { UnknownNameError } from '../handlers/lib/errors.js';

/** A runbook id nobody declared; the message lists the ids that exist. */
export class UnknownRunbookError extends UnknownNameError {
  override readonly name = 'UnknownRunbookError';
}

/** The error for an unknown id, naming the known ones. */
export function unknownRunbook(id: string, known: readonly string[]): UnknownRunbookError {
  return new UnknownRunbookError(`unknown runbook "${id}"; known runbooks: ${known.join(', ')}`, id, known);
}
