import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { nonEmptyString } from '../handlers/lib/schemas.js';

/** The Slack app's credentials, kept together in one Secrets Manager secret as JSON. */
const credentialsSchema = z.object({
  signingSecret: nonEmptyString(),
  botToken: z.string().check(z.startsWith('xoxb-')),
});

export type SlackCredentials = z.infer<typeof credentialsSchema>;

/** How long a function reuses the secret before reading it again (picks up rotation within this). */
const cacheSeconds = 300;

/**
 * Reads the Slack credentials from Secrets Manager through Powertools' cached SecretsProvider,
 * never from environment variables. Errors name what is wrong with the secret, never its value.
 */
export function slackCredentials(
  client: SecretsManagerClient,
  secretId: string,
): () => Promise<SlackCredentials> {
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  return async () => {
    const value = await provider.get(secretId, { transform: 'json', maxAge: cacheSeconds });
    const parsed = credentialsSchema.safeParse(value);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(secret)');
      throw new Error(
        `Slack secret ${secretId} is not {"signingSecret","botToken":"xoxb-…"}: check ${fields.join(', ')}`,
      );
    }
    return parsed.data;
  };
}
