import { createHash, createPublicKey, verify } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { canonicalBytes } from './evidence-record.js';

/** The signing algorithm: RSA PKCS #1 v1.5 over SHA-256, which KMS signs digests with and Node verifies. */
export const signingAlgorithm = 'RSASSA_PKCS1_V1_5_SHA_256';

/**
 * How a record is signed: each top-level field's SHA-256 (RFC 8785 canonical JSON), and the
 * key's signature over the digests, so a verifier names every field that changed.
 */
export interface RecordSignature {
  readonly keyId: string;
  readonly algorithm: typeof signingAlgorithm;
  readonly fieldDigests: Readonly<Record<string, string>>;
  /** Base64 of the signature over the SHA-256 of the canonical `fieldDigests`. */
  readonly value: string;
}

/** What can be signed: a JSON document with a place for its signature (a record, a manifest). */
export interface Signable {
  readonly signature: RecordSignature | null;
}

/** Each field of the document but the signature, hashed on its own. */
function fieldDigestsOf(record: object): Record<string, string> {
  const { signature: _, ...fields } = record as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(fields)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([field, value]) => [field, createHash('sha256').update(canonicalBytes(value)).digest('hex')]),
  );
}

/**
 * Signs a record (or a manifest) with an asymmetric KMS key (`kms:Sign` on a digest: records can
 * exceed the 4 KB a message may be). https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
 */
export async function signRecord<T extends Signable>(kms: KMSClient, keyId: string, record: T): Promise<T> {
  const fieldDigests = fieldDigestsOf(record);
  const digest = createHash('sha256').update(canonicalBytes(fieldDigests)).digest();
  const signed = await kms.send(
    new SignCommand({
      KeyId: keyId,
      Message: digest,
      MessageType: 'DIGEST',
      SigningAlgorithm: signingAlgorithm,
    }),
  );
  if (!signed.Signature) throw new Error(`KMS returned no signature for ${keyId}`);
  const signature: RecordSignature = {
    keyId: signed.KeyId ?? keyId,
    algorithm: signingAlgorithm,
    fieldDigests,
    value: Buffer.from(signed.Signature).toString('base64'),
  };
  return { ...record, signature };
}

/** The signing key's public key as PEM (KMS gives DER), what verifies its records offline. */
export async function signingPublicKey(kms: KMSClient, keyId: string): Promise<string> {
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return createPublicKey({ key: Buffer.from(PublicKey ?? []), format: 'der', type: 'spki' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

/** Whether a record is as it was signed, and what is not. */
export type Verification =
  | { readonly valid: true }
  | { readonly valid: false; readonly problems: readonly string[] };

/**
 * Checks a record offline with the signing key's public key (PEM, or DER as KMS `GetPublicKey`
 * returns it): the signature over the field digests, then each field against its digest. Names
 * every field changed, added or removed.
 */
export function verifyRecord(record: unknown, publicKey: string | Uint8Array): Verification {
  const given = (typeof record === 'object' && record !== null ? record : {}) as Partial<Signable>;
  const signature = given.signature;
  if (!signature?.fieldDigests || typeof signature.value !== 'string')
    return { valid: false, problems: ['the record is not signed'] };
  if (signature.algorithm !== signingAlgorithm)
    return { valid: false, problems: [`unknown signing algorithm ${String(signature.algorithm)}`] };
  const key =
    typeof publicKey === 'string'
      ? createPublicKey(publicKey)
      : createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
  const authentic = verify(
    'sha256',
    canonicalBytes(signature.fieldDigests),
    key,
    Buffer.from(signature.value, 'base64'),
  );
  if (!authentic)
    return {
      valid: false,
      problems: ['the signature does not match this key: the digests were changed or signed by another key'],
    };
  const actual = fieldDigestsOf(given);
  const fields = new Set([...Object.keys(actual), ...Object.keys(signature.fieldDigests)]);
  const problems = [...fields]
    .sort()
    .flatMap((field) =>
      !(field in signature.fieldDigests)
        ? [`${field} was added after signing`]
        : !(field in actual)
          ? [`${field} was removed after signing`]
          : actual[field] !== signature.fieldDigests[field]
            ? [`${field} was changed after signing`]
            : [],
    );
  return problems.length ? { valid: false, problems } : { valid: true };
}
