import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest, HttpResponse } from './slack-http.js';

/** Slack's own limit on a request body is far below this; anything bigger is not from Slack. */
const maxBodyBytes = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the Slack endpoints over HTTP on loopback only: nothing outside this machine reaches it. */
export async function serveLocally(
  port: number,
  handle: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<LocalServer> {
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      let response: HttpResponse;
      try {
        const body = await readBody(incoming);
        const headers = Object.fromEntries(
          Object.entries(incoming.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]),
        );
        const path = new URL(incoming.url ?? '/', 'http://localhost').pathname;
        response = await handle({ method: incoming.method ?? 'GET', path, headers, body });
      } catch (error) {
        response = {
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: (error as Error).message }),
        };
      }
      outgoing.writeHead(response.status, response.headers).end(response.body);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
