import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CredentialAdapterError } from './rotation-errors.js';

/**
 * What the rotation function asks of the target system, through a function that knows it (the
 * credential adapter: a database driver, an API client). Requests name secret versions by id; the
 * adapter reads the values itself, so no value travels in a payload, a log or an error.
 */
export type CredentialRequest =
  | {
      /** Make the credentials of `versionId` valid in the target system. */
      readonly action: 'set-credentials';
      readonly secretId: string;
      readonly versionId: string;
      /** Log in with the first of these that works to make the change (the user itself, or the admin). */
      readonly loginWith: readonly { readonly secretId: string; readonly versionId: string }[];
    }
  | {
      /** Log in with the credentials of `versionId`. */
      readonly action: 'test-login';
      readonly secretId: string;
      readonly versionId: string;
    };

/** The adapter's answer: whether it worked, and why not, in words without values. */
export interface CredentialResponse {
  readonly ok: boolean;
  readonly reason?: string;
}

/** Sends one request to the credential adapter; anything but `ok` is a CredentialAdapterError. */
export async function askAdapter(
  lambda: LambdaClient,
  adapter: string,
  request: CredentialRequest,
): Promise<void> {
  const response = await lambda.send(
    new InvokeCommand({ FunctionName: adapter, Payload: new TextEncoder().encode(JSON.stringify(request)) }),
  );
  const answer = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array())) as
    | Partial<CredentialResponse>
    | { errorType?: string };
  if (response.FunctionError) {
    const type = (answer as { errorType?: string } | null)?.errorType ?? 'an error';
    throw new CredentialAdapterError(
      `${request.action} for version ${request.versionId}: the credential adapter failed with ${type}`,
    );
  }
  const { ok, reason } = (answer ?? {}) as Partial<CredentialResponse>;
  if (ok !== true) {
    throw new CredentialAdapterError(
      `${request.action} for version ${request.versionId} did not succeed${reason ? `: ${reason}` : ''}`,
    );
  }
}
