import {
  InvalidParameterValueException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';

/** Lambda's 404, as the SDK models it. */
export function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {}, Type: 'User' });
}

/** Lambda's 400 for a parameter it refuses. */
export function invalid(message: string): InvalidParameterValueException {
  return new InvalidParameterValueException({ message, $metadata: {}, Type: 'User' });
}

/** Lambda's 409: the resource is being changed (an update in progress) or already exists. */
export function conflict(message: string): ResourceConflictException {
  return new ResourceConflictException({ message, $metadata: {}, Type: 'User' });
}
