import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { PlatformError } from '../handlers/lib/errors.js';
import { nonEmptyString } from '../handlers/lib/schemas.js';

/** The Slack app's credentials, kept together in one Secrets Manager secret as JSON. */
const credentialsSchema = z.object({
  signingSecret: nonEmptyString(),
  botToken: z.string().check(z.startsWith('xoxb-')),
});

export type SlackCredentials = z.infer<typeof credentialsSchema>;

/** The Slack app's credentials cannot be used; the message names the secret, never its value. */
export class SlackCredentialsError extends PlatformError {
  override readonly name = 'SlackCredentialsError';
}

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
    // Parsed here, not by Powertools' JSON transform: its error quotes the start of the value.
    let value: unknown;
    try {
      const raw = await provider.get(secretId, { maxAge: cacheSeconds });
      value = JSON.parse(typeof raw === 'string' ? raw : '');
    } catch (error) {
      throw new SlackCredentialsError(
        error instanceof SyntaxError
          ? `Slack secret ${secretId} is not JSON`
          : `Slack secret ${secretId} could not be read (${(error as Error).name})`,
      );
    }
    const parsed = credentialsSchema.safeParse(value);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(secret)');
      throw new SlackCredentialsError(
        `Slack secret ${secretId} is not {"signingSecret","botToken":"xoxb-…"}: check ${fields.join(', ')}`,
      );
    }
    return parsed.data;
  };
}
