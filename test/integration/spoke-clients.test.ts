import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineStep } from '../../handlers/lib/define-step.js';
import { sourceIdentityOf } from '../../handlers/lib/spoke-clients.js';
import { signedRequest } from '../support/signed-request.js';

/**
 * STS, Lambda and DynamoDB on loopback: each request is recorded with the access key that signed
 * it (SigV4's `Credential=<key>/<date>/<region>/<service>`) and answered as AWS would.
 */
interface Seen {
  readonly service: string;
  readonly region: string;
  readonly accessKey: string;
  readonly sessionToken: string | undefined;
  readonly body: string;
}
const seen: Seen[] = [];
const server = createServer(async (req, res) => {
  const { body, accessKey, region, service } = await signedRequest(req);
  const sessionToken = req.headers['x-amz-security-token'] as string | undefined;
  seen.push({ service, region, accessKey, sessionToken, body });
  if (service === 'sts' && body.includes('999988887777')) {
    res.writeHead(403, { 'content-type': 'text/xml' });
    res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
<Code>AccessDenied</Code><Message>User: arn:aws:sts::111122223333:assumed-role/step/s is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999988887777:role/LambdaRunbooks-prod-spoke</Message>
</Error><RequestId>r</RequestId></ErrorResponse>`);
    return;
  }
  if (service === 'sts') {
    const expiration = new Date(Date.now() + 15 * 60_000).toISOString();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIASPOKE</AccessKeyId><SecretAccessKey>spoke-secret</SecretAccessKey>
<SessionToken>spoke-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::444455556666:assumed-role/LambdaRunbooks-prod-spoke/s</Arn>
<AssumedRoleId>AROASPOKE:s</AssumedRoleId></AssumedRoleUser><SourceIdentity>x</SourceIdentity>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(
    service === 'lambda' ? JSON.stringify({ FunctionName: 'orders-api', Runtime: 'nodejs22.x' }) : '{}',
  );
});

let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
  for (const service of ['STS', 'LAMBDA', 'DYNAMODB']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAHUBSTEP');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'hub-secret');
  vi.stubEnv('AWS_SESSION_TOKEN', 'hub-session-token');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  for (const [name, value] of Object.entries({
    RUNBOOK_ENVIRONMENT: 'prod',
    ESCALATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:escalations',
    APPROVAL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:approvals',
    LEASE_TABLE_NAME: 'leases',
    IDEMPOTENCY_TABLE_NAME: 'idempotency',
    APPROVAL_TABLE_NAME: 'approvals',
    PLATFORM_STACK_NAME: 'LambdaRunbooks-prod',
  }))
    vi.stubEnv(name, value);
});

/** A step reading a workload function's configuration and the hub's lease table, as steps do. */
const step = defineStep({
  name: 'read-both',
  module: import.meta.url,
  clients: { lambda: LambdaClient, dynamodb: DynamoDBClient },
  permissions: [],
  core: async (input: { functionName: string }, deps) => {
    const configuration = await deps.clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: input.functionName }),
    );
    await deps.clients.dynamodb.send(
      new GetItemCommand({ TableName: deps.leaseTable, Key: { pk: { S: 'x' } } }),
    );
    return { runtime: configuration.Runtime, input };
  },
});

const context = {
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:LambdaRunbooks-prod-read-both',
  functionName: 'LambdaRunbooks-prod-read-both',
  functionVersion: '$LATEST',
  awsRequestId: 'request-1',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

const payload = (account: string) => ({
  functionName: 'orders-api',
  actingIn: {
    account,
    region: 'eu-central-1',
    environment: 'prod',
    execution: 'runtime-upgrade-lambda-orders-api-20261203T0300-0123456789',
    requestedBy: 'slack:U01ONCALL',
  },
});

describe('a step acting in a workload account', () => {
  it('assumes the spoke role there, named after the execution and the person, for workload services only', async () => {
    const result = await step.handler(payload('444455556666') as never, context);
    // The step's own input, without where it acts.
    expect(result).toEqual({ runtime: 'nodejs22.x', input: { functionName: 'orders-api' } });
    const assume = seen.find((s) => s.service === 'sts');
    const form = new URLSearchParams(assume?.body ?? '');
    expect(Object.fromEntries(form)).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::444455556666:role/LambdaRunbooks-prod-spoke',
      RoleSessionName: 'runtime-upgrade-lambda-orders-api-20261203T0300-0123456789',
      SourceIdentity: 'slack.U01ONCALL',
    });
    // STS is called with the step's own role, in the hub's region.
    expect(assume).toMatchObject({ accessKey: 'AKIAHUBSTEP', region: 'eu-west-1' });
    expect(seen.find((s) => s.service === 'lambda')).toMatchObject({
      accessKey: 'ASIASPOKE',
      sessionToken: 'spoke-session-token',
      region: 'eu-central-1',
    });
    // The platform's own table stays the hub's.
    expect(seen.find((s) => s.service === 'dynamodb')).toMatchObject({
      accessKey: 'AKIAHUBSTEP',
      region: 'eu-west-1',
    });
  });

  it('acts with its own role in its own account, asking STS for nothing', async () => {
    await step.handler(payload('111122223333') as never, context);
    expect(seen.map((s) => s.service)).toEqual(['lambda', 'dynamodb']);
    expect(seen.every((s) => s.accessKey === 'AKIAHUBSTEP' && s.region === 'eu-west-1')).toBe(true);
  });

  it('says to deploy the spoke stack when STS refuses the spoke role, acting nowhere', async () => {
    const refused = step.handler(payload('999988887777') as never, context);
    await expect(refused).rejects.toMatchObject({
      name: 'SpokeRoleUnavailableError',
      message: expect.stringMatching(
        /^cannot act in account 999988887777: arn:aws:iam::999988887777:role\/LambdaRunbooks-prod-spoke could not be assumed \(.*not authorized.*\); deploy the spoke stack to account 999988887777$/,
      ),
    });
    expect(seen.map((s) => s.service)).toEqual(['sts']);
  });

  it('refuses a payload whose account is not one, acting nowhere', async () => {
    const bad = { ...payload('444455556666'), actingIn: { ...payload('1').actingIn, account: '4444' } };
    await expect(step.handler(bad as never, context)).rejects.toThrow(
      /actingIn is invalid: account: is not a 12-digit account id/,
    );
    expect(seen).toEqual([]);
  });

  it('makes any requester a source identity STS takes', () => {
    expect(sourceIdentityOf('alarm')).toBe('alarm');
    expect(sourceIdentityOf('x')).toBe('x.');
    const iam = sourceIdentityOf(
      'iam:arn:aws:sts::111122223333:assumed-role/OnCallEngineer/jane.doe@example.com',
    );
    expect(iam).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(iam.endsWith('OnCallEngineer.jane.doe@example.com')).toBe(true);
  });
});
