import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackSignature } from '../../slack/signature.js';

/** Sends a form-encoded request to a Slack endpoint the way Slack does: signed with the app's secret. */
export async function sendSigned(
  url: string,
  form: Record<string, string>,
  options: { secret: string; timestamp?: number; signature?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams(form).toString();
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Plays Slack's `response_url`: keeps every message posted to it. */
export async function responseUrlReceiver() {
  const received: Record<string, unknown>[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/response`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
