import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { organizationInventory } from '../../cli/organization-inventory.js';
import { signedRequest } from '../support/signed-request.js';

/**
 * STS and Lambda on loopback, as AWS answers them: STS hands out credentials naming the account
 * of the role asked for (and refuses one account's role), Lambda answers `ListFunctions` and
 * `ListAliases` for the account whose credentials signed the request.
 */
const signedBy: { service: string; accessKey: string; region: string }[] = [];
const server = createServer(async (req, res) => {
  const signed = await signedRequest(req);
  const { accessKey, region, service } = signed;
  const body = decodeURIComponent(signed.body);
  signedBy.push({ service, accessKey, region });
  if (service === 'sts') {
    const account = /arn:aws:iam::(\d{12}):role\/runtime-reader/.exec(body)?.[1];
    if (!account || account === '999988887777') {
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
<Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole</Message></Error>
<RequestId>r</RequestId></ErrorResponse>`);
      return;
    }
    const expiration = new Date(Date.now() + 15 * 60_000).toISOString();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIA${account}</AccessKeyId><SecretAccessKey>s</SecretAccessKey>
<SessionToken>t</SessionToken><Expiration>${expiration}</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/runtime-reader/runbook-runtimes</Arn>
<AssumedRoleId>AROA:runbook-runtimes</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`);
    return;
  }
  const account = accessKey.replace('ASIA', '');
  res.writeHead(200, { 'content-type': 'application/json' });
  if (req.url?.includes('/aliases')) {
    res.end(JSON.stringify({ Aliases: [{ Name: 'live', FunctionVersion: '1' }] }));
    return;
  }
  res.end(
    JSON.stringify({
      Functions: [
        { FunctionName: `api-${account.slice(-4)}`, Version: '$LATEST', Runtime: 'nodejs18.x' },
        { FunctionName: `api-${account.slice(-4)}`, Version: '1', Runtime: 'nodejs18.x' },
      ],
    }),
  );
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  signedBy.length = 0;
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const service of ['STS', 'LAMBDA']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAPERSON');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'person-secret');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
});

describe('the runtime inventory of an organization, read with a role in each account', () => {
  it('reads each account with that account’s role, in its regions, and reports the one it may not read', async () => {
    const inventory = await organizationInventory({
      accounts: [
        { accountId: '444455556666', environment: 'prod', regions: ['eu-west-1', 'us-east-1'] },
        { accountId: '999988887777', environment: 'dev', regions: ['eu-west-1'] },
      ],
      today: '2026-12-03',
      horizonDays: 180,
      roleName: 'runtime-reader',
    });
    expect(inventory.places.map((p) => [p.account, p.region, p.functions.length, p.error ?? ''])).toEqual([
      ['444455556666', 'eu-west-1', 2, ''],
      ['444455556666', 'us-east-1', 2, ''],
      ['999988887777', 'eu-west-1', 0, expect.stringContaining('not authorized to perform: sts:AssumeRole')],
    ]);
    expect(inventory.places[0]?.functions[1]).toMatchObject({
      functionName: 'api-6666',
      version: '1',
      routedBy: [{ alias: 'live', weight: 1 }],
    });
    // Lambda was called only with the assumed role's credentials, in each place's region.
    const lambdaCalls = signedBy.filter((s) => s.service === 'lambda');
    expect(new Set(lambdaCalls.map((s) => s.accessKey))).toEqual(new Set(['ASIA444455556666']));
    expect(new Set(lambdaCalls.map((s) => s.region))).toEqual(new Set(['eu-west-1', 'us-east-1']));
  });
});
