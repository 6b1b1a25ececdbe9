import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpRequest, type HttpResponse, maxSlackBodyBytes } from './slack-http.js';

class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/** Reads a body up to Slack's limit and stops there: a larger one is never read to its end. */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxSlackBodyBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const jsonResponse = (status: number, error: string): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', connection: 'close' },
  body: JSON.stringify({ error }),
});

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
        response =
          error instanceof BodyTooLarge
            ? jsonResponse(413, `request bodies are at most ${maxSlackBodyBytes} bytes`)
            : jsonResponse(500, 'internal error');
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
    // Idle keep-alive connections would hold the server open: close them with it.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
