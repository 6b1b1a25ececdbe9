import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A stand-in for the Lambda Invoke API on loopback: records requests, answers as the dispatcher would. */
const requests: { path: string; body: unknown }[] = [];
let endpoint = '';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    const parsed = JSON.parse(body) as { startRequest: { target?: string } };
    requests.push({ path: req.url ?? '', body: parsed });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify([
        {
          action: 'start',
          runbook: 'lambda-throttling',
          target: parsed.startRequest.target,
          executionName: 'lambda-throttling-lambda-payments-api-20260302T100000-0123456789',
          reason: 'started by cli:test',
        },
      ]),
    );
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['dist/cli/main.js', ...args], {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_LAMBDA: endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'eu-west-1',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('runbook start', () => {
  it('sends the deployed dispatcher a start request on the named target and prints what it started', async () => {
    const { code, stdout } = await run(
      'start',
      'lambda-throttling',
      'function=payments-api',
      '--dispatcher',
      'dispatcher-fn',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('start lambda-throttling on lambda:payments-api');
    expect(requests.at(-1)?.path).toMatch(/\/functions\/dispatcher-fn\/invocations/);
    expect(requests.at(-1)?.body).toMatchObject({
      startRequest: {
        runbook: 'lambda-throttling',
        target: 'lambda:payments-api',
        parameters: {},
        requestedBy: expect.stringMatching(/^cli:/),
        force: false,
      },
    });
  });

  it('refuses a target that is not one before calling anything', async () => {
    const before = requests.length;
    const { code, stderr } = await run(
      'start',
      'lambda-throttling',
      'function=../../etc/passwd',
      '--dispatcher',
      'd',
    );
    expect(code).toBe(2);
    expect(stderr).toContain('function=../../etc/passwd: not a target');
    expect(requests).toHaveLength(before);
  });

  it('asks for the dispatcher it should use', async () => {
    const { code, stderr } = await run('start', 'lambda-throttling', 'function=payments-api');
    expect(code).toBe(2);
    expect(stderr).toContain('start needs --dispatcher');
  });
});
