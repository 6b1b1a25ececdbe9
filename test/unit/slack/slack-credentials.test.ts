import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { slackCredentials } from '../../../slack/slack-credentials.js';

describe('Slack credentials from Secrets Manager', () => {
  it('reads the secret once and serves it from the cache afterwards', async () => {
    const client = new SecretsManagerClient({ region: 'eu-west-1' });
    const mock = mockClient(client);
    mock
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ signingSecret: 's3cr3t', botToken: 'xoxb-1' }) });
    const credentials = slackCredentials(client, 'slack-app');
    expect(await credentials()).toEqual({ signingSecret: 's3cr3t', botToken: 'xoxb-1' });
    await credentials();
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('says which field of a malformed secret is wrong without printing its value', async () => {
    const client = new SecretsManagerClient({ region: 'eu-west-1' });
    mockClient(client)
      .on(GetSecretValueCommand)
      .resolves({
        SecretString: JSON.stringify({ signingSecret: 'very-secret-value', botToken: 'xoxp-user-token' }),
      });
    const failure = await slackCredentials(client, 'slack-app')().catch((error: Error) => error);
    expect((failure as Error).message).toMatch(/check botToken/);
    expect((failure as Error).message).not.toMatch(/very-secret-value|xoxp-user-token/);
  });
});
