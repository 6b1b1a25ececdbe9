import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, vi } from 'vitest';
import { SimulatedAccount } from '../../gameday/account/simulated-account.js';

/** A DynamoDB-compatible server on loopback, with a client pointed at it. */
export async function startDynalite(): Promise<{
  client: DynamoDBClient;
  endpoint: string;
  stop: () => Promise<void>;
}> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    client,
    endpoint,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        client.destroy();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Creates a table keyed by one string attribute. */
export async function createTable(client: DynamoDBClient, name: string, key: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** A DynamoDB a test runs against, and how to stop it. */
export interface DynamoBackend {
  readonly client: DynamoDBClient;
  readonly stop: () => Promise<void>;
}

/**
 * The two DynamoDBs a behaviour is asserted against, each with the lease table (`leases`, keyed by
 * `pk`): dynalite on loopback (a DynamoDB implementation we did not write) and the simulated
 * account's, so the game days behave like the deployed platform.
 */
export const leaseTableBackends = (start: Date): [string, () => Promise<DynamoBackend>][] => [
  [
    'dynalite on loopback',
    async () => {
      const server = await startDynalite();
      await createTable(server.client, 'leases', 'pk');
      return server;
    },
  ],
  [
    'the simulated account',
    async () => {
      const account = new SimulatedAccount({ start });
      account.dynamodb.createTable('leases', ['pk']);
      return { client: account.clients().dynamodb, stop: async () => undefined };
    },
  ],
];

/**
 * A lease table on a dynalite server for the test file, reached by the CLI through the SDK's own
 * endpoint setting (`AWS_ENDPOINT_URL_DYNAMODB`), as `runbook` commands reach the deployed table.
 */
export function leaseTableForCommands(): { readonly client: () => DynamoDBClient } {
  let server: Awaited<ReturnType<typeof startDynalite>> | undefined;
  beforeAll(async () => {
    server = await startDynalite();
    await createTable(server.client, 'leases', 'pk');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', server.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.stop();
  });
  return {
    client: () => {
      if (!server) throw new Error('the lease table is not started yet');
      return server.client;
    },
  };
}
