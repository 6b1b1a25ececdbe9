import { DescribeSchemaCommand, NotFoundException, type SchemasClient } from '@aws-sdk/client-schemas';
import { InvalidInputError } from '../lib/errors.js';
import { testEventRegistry, testEventSchemaName } from './contract.js';

/** The smoke test's event: a shareable test event by name, or `{}` when the function has none. */
export interface TestEvent {
  readonly name: string | null;
  readonly event: unknown;
}

/** The shareable test events of a schema's content, by name. */
function examplesOf(content: string, functionName: string): Map<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new InvalidInputError(`the shareable test events of ${functionName} are not JSON`);
  }
  const examples = (parsed as { components?: { examples?: unknown } } | null)?.components?.examples;
  if (typeof examples !== 'object' || examples === null) return new Map();
  return new Map(
    Object.entries(examples).map(([name, example]) => [name, (example as { value?: unknown } | null)?.value]),
  );
}

/**
 * The function's configured test event: the shareable test event `wanted` names (the function's
 * `runbook-test-event` tag), or its only one. Several and none named is refused rather than guessed.
 */
export async function configuredTestEvent(
  schemas: SchemasClient,
  functionName: string,
  wanted: string | undefined,
): Promise<TestEvent> {
  const content = await schemas
    .send(
      new DescribeSchemaCommand({
        RegistryName: testEventRegistry,
        SchemaName: testEventSchemaName(functionName),
      }),
    )
    .then((schema) => schema.Content ?? '{}')
    .catch((error: unknown) => {
      if (error instanceof NotFoundException) return null;
      throw error;
    });
  const examples = content === null ? new Map<string, unknown>() : examplesOf(content, functionName);
  const names = [...examples.keys()];
  if (wanted !== undefined) {
    if (!examples.has(wanted))
      throw new InvalidInputError(
        `${functionName} has no shareable test event named "${wanted}" (it has: ${names.join(', ') || 'none'})`,
      );
    return { name: wanted, event: examples.get(wanted) ?? {} };
  }
  if (names.length > 1)
    throw new InvalidInputError(
      `${functionName} has ${names.length} shareable test events (${names.join(', ')}): name the smoke test's with the function's runbook-test-event tag`,
    );
  const [only] = names;
  return only === undefined ? { name: null, event: {} } : { name: only, event: examples.get(only) ?? {} };
}
