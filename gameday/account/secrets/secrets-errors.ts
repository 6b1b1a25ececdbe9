import {
  InvalidParameterException,
  InvalidRequestException,
  ResourceExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';

/** Secrets Manager's 400 for a secret or version it cannot find, as the SDK models it. */
export function secretNotFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {} });
}

/** A parameter value Secrets Manager refuses. */
export function invalidParameter(message: string): InvalidParameterException {
  return new InvalidParameterException({ message, $metadata: {} });
}

/** A request that is well formed but not valid in the secret's current state. */
export function invalidRequest(message: string): InvalidRequestException {
  return new InvalidRequestException({ message, $metadata: {} });
}

/** A version id that already holds a different value. */
export function versionExists(message: string): ResourceExistsException {
  return new ResourceExistsException({ message, $metadata: {} });
}
