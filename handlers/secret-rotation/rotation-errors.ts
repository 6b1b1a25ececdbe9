import { PlatformError } from '../lib/errors.js';

/**
 * A rotation step was asked for something the secret's state does not allow: rotation off, a token
 * that is no version of the secret, or a version that is not AWSPENDING. Messages name versions by
 * id and never carry a value.
 */
export class RotationStateError extends PlatformError {
  override readonly name = 'RotationStateError';
}

/** A secret's value is not the JSON the strategy needs; the message names the field, not the value. */
export class SecretFormatError extends PlatformError {
  override readonly name = 'SecretFormatError';
}

/** The credential adapter could not set or test credentials in the target system. */
export class CredentialAdapterError extends PlatformError {
  override readonly name = 'CredentialAdapterError';
}

/**
 * The rotation function could not make the previous credentials valid again after a finished
 * rotation: moving AWSCURRENT back would hand consumers credentials the target refuses, so the
 * labels stay where they work and the rollback is tried again.
 */
export class RestoreFailedError extends PlatformError {
  override readonly name = 'RotationRestoreFailed';
}
