/** What every AWS SDK response carries: its metadata, with the request id. */
export interface AwsResponse {
  readonly $metadata: { readonly requestId?: string };
}

/** The request ids of the responses that made a change (those AWS returned one for). */
export function requestIdsOf(...responses: readonly AwsResponse[]): string[] {
  return responses.flatMap((r) => (r.$metadata.requestId ? [r.$metadata.requestId] : []));
}
