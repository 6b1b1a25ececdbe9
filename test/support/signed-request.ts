import type { IncomingMessage } from 'node:http';

/** A request to an AWS stand-in on loopback: its body, and what its SigV4 signature names. */
export async function signedRequest(req: IncomingMessage): Promise<{
  readonly body: string;
  readonly accessKey: string;
  readonly region: string;
  readonly service: string;
}> {
  const body = await new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
  });
  // `Credential=<key>/<date>/<region>/<service>/aws4_request`
  const [, accessKey = '', , region = '', service = ''] =
    /Credential=([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '') ?? [];
  return { body, accessKey, region, service };
}
