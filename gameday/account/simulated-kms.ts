import {
  constants,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  randomUUID,
} from 'node:crypto';
import {
  DisabledException,
  type GetPublicKeyCommandInput,
  InvalidKeyUsageException,
  NotFoundException,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import type { AccountIdentity } from './account-identity.js';
import type { SimulatedOperations } from './sdk-binding.js';

/** The DER prefix of a SHA-256 DigestInfo (RFC 8017, 9.2): what PKCS #1 v1.5 signs before the digest. */
const sha256DigestInfo = Buffer.from('3031300d060960864801650304020105000420', 'hex');

interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

interface SigningKey {
  readonly arn: string;
  readonly pair: () => KeyPair;
  enabled: boolean;
}

/**
 * Key material by key ARN, for the process: an RSA key pair takes a sixth of a second to make,
 * and every game day deploys the same stack (so the same key ARN); one ARN, one key.
 */
const material = new Map<string, KeyPair>();
const pairOf = (arn: string): KeyPair => {
  let pair = material.get(arn);
  if (!pair) {
    pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    material.set(arn, pair);
  }
  return pair;
};

/**
 * KMS asymmetric signing keys with real key pairs (RSA 2048): `Sign` of a message or a SHA-256
 * digest with RSASSA_PKCS1_V1_5_SHA_256, and `GetPublicKey` (DER SubjectPublicKeyInfo), so what
 * it signs verifies offline with Node's crypto as a real KMS key's signature does.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
 */
export class SimulatedKms {
  private readonly keys = new Map<string, SigningKey>();

  constructor(private readonly identity: AccountIdentity) {}

  /** A new signing key (of that ARN, as a stack creates it); returns its ARN. */
  createSigningKey(keyArn?: string): string {
    const arn =
      keyArn ?? `arn:aws:kms:${this.identity.region}:${this.identity.accountId}:key/${randomUUID()}`;
    this.keys.set(arn, { arn, pair: () => pairOf(arn), enabled: true });
    return arn;
  }

  /** Disables a key: signing with it is refused, as KMS does. */
  disable(keyArn: string): void {
    this.key(keyArn).enabled = false;
  }

  private key(keyId: string | undefined): SigningKey {
    const key =
      this.keys.get(keyId ?? '') ?? [...this.keys.values()].find((k) => k.arn.endsWith(`/${keyId}`));
    if (!key) throw new NotFoundException({ message: `Key '${keyId}' does not exist`, $metadata: {} });
    return key;
  }

  sign(input: SignCommandInput): { KeyId: string; Signature: Uint8Array; SigningAlgorithm: string } {
    const key = this.key(input.KeyId);
    if (!key.enabled) throw new DisabledException({ message: `${key.arn} is disabled.`, $metadata: {} });
    if (input.SigningAlgorithm !== 'RSASSA_PKCS1_V1_5_SHA_256')
      throw new InvalidKeyUsageException({
        message: `The signing algorithm ${input.SigningAlgorithm} is not supported by this simulated key`,
        $metadata: {},
      });
    const message = Buffer.from(input.Message ?? new Uint8Array());
    const digest = input.MessageType === 'DIGEST' ? message : createHash('sha256').update(message).digest();
    if (digest.length !== 32)
      throw new InvalidKeyUsageException({
        message: 'Digest is invalid length for algorithm',
        $metadata: {},
      });
    const signature = privateEncrypt(
      { key: key.pair().privateKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([sha256DigestInfo, digest]),
    );
    return { KeyId: key.arn, Signature: new Uint8Array(signature), SigningAlgorithm: input.SigningAlgorithm };
  }

  getPublicKey(input: GetPublicKeyCommandInput) {
    const key = this.key(input.KeyId);
    return {
      KeyId: key.arn,
      PublicKey: new Uint8Array(key.pair().publicKey.export({ format: 'der', type: 'spki' })),
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['RSASSA_PKCS1_V1_5_SHA_256'],
    };
  }

  operations(): SimulatedOperations {
    return {
      Sign: (input: SignCommandInput) => this.sign(input),
      GetPublicKey: (input: GetPublicKeyCommandInput) => this.getPublicKey(input),
    };
  }
}
