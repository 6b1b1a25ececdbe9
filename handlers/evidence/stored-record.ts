import * as z from 'zod/mini';
import { problemsOf } from '../lib/parse-input.js';
import { type EvidenceRecord, evidenceSchemaVersion } from './evidence-record.js';

const text = () => z.string();
const nullableText = () => z.nullable(z.string());

/**
 * What a reader needs of a record it did not write (a file, an object in the bucket): the shape
 * of docs/evidence-record.md, checked before any field is shown, so a damaged or foreign file is
 * named instead of rendered. Fields are only ever added within a major version, so more are allowed.
 */
const storedRecordSchema = z.looseObject({
  schemaVersion: z.literal(evidenceSchemaVersion),
  execution: z.looseObject({
    arn: text(),
    name: text(),
    status: text(),
    startedAt: text(),
    stoppedAt: nullableText(),
  }),
  runbook: text(),
  trigger: z.looseObject({
    kind: z.enum(['alarm', 'event', 'person']),
    requestedBy: text(),
    alarm: z.optional(z.looseObject({ name: text() })),
  }),
  target: z.looseObject({
    key: text(),
    account: nullableText(),
    region: nullableText(),
    environment: nullableText(),
  }),
  approvals: z.array(
    z.looseObject({
      state: text(),
      group: text(),
      askedAt: text(),
      answer: z.enum(['approved', 'rejected', 'no answer', 'pending', 'refused']),
      by: z.optional(text()),
      at: z.optional(text()),
      reason: z.optional(text()),
    }),
  ),
  changes: z.array(
    z.looseObject({
      at: text(),
      step: text(),
      kind: text(),
      action: text(),
      resource: text(),
      requestIds: z.array(text()),
    }),
  ),
  outcome: z.looseObject({ status: text(), result: text(), reason: nullableText() }),
  definition: z.looseObject({ aslSha256: text(), pathTaken: z.array(text()), diagram: text() }),
  controls: z.array(z.looseObject({ standard: text(), id: text(), title: text() })),
});

/** A record read back, or why it cannot be read as one. */
export type StoredRecordParse =
  | { readonly ok: true; readonly record: EvidenceRecord }
  | { readonly ok: false; readonly problem: string };

/** Reads a JSON document as an evidence record of the schema this version knows. */
export function parseStoredRecord(document: unknown): StoredRecordParse {
  const version = (document as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== evidenceSchemaVersion)
    return {
      ok: false,
      problem: `not an evidence record of schema ${evidenceSchemaVersion} (schemaVersion is ${JSON.stringify(version) ?? 'missing'})`,
    };
  const parsed = storedRecordSchema.safeParse(document);
  return parsed.success
    ? { ok: true, record: document as EvidenceRecord }
    : {
        ok: false,
        problem: `not an evidence record of schema ${evidenceSchemaVersion}: ${problemsOf(parsed.error, document, 'record')}`,
      };
}
