import {
  type CreateSchemaCommandInput,
  type DescribeSchemaCommandInput,
  type DescribeSchemaCommandOutput,
  NotFoundException,
} from '@aws-sdk/client-schemas';
import type { AccountIdentity } from './account-identity.js';
import type { VirtualClock } from './virtual-clock.js';

interface StoredSchema {
  readonly content: string;
  readonly type: string;
  readonly version: number;
  readonly at: Date;
}

/**
 * EventBridge Schemas as far as the platform reads it: the registry the Lambda console keeps
 * shareable test events in (`lambda-testevent-schemas`, one schema `_<function>-schema` per
 * function). DescribeSchema answers NotFoundException for a registry or schema that does not exist
 * (https://docs.aws.amazon.com/eventbridge/latest/schema-reference/v1-registries-name-registryname-schemas-name-schemaname.html).
 */
export class SimulatedSchemas {
  private readonly registries = new Map<string, Map<string, StoredSchema>>();

  constructor(
    private readonly identity: AccountIdentity,
    private readonly clock: VirtualClock,
  ) {}

  createSchema(input: CreateSchemaCommandInput): { SchemaName: string; SchemaVersion: string } {
    const registryName = input.RegistryName ?? '';
    const registry = this.registries.get(registryName) ?? new Map<string, StoredSchema>();
    this.registries.set(registryName, registry);
    const name = input.SchemaName ?? '';
    const version = (registry.get(name)?.version ?? 0) + 1;
    registry.set(name, {
      content: input.Content ?? '',
      type: input.Type ?? 'OpenApi3',
      version,
      at: this.clock.now(),
    });
    return { SchemaName: name, SchemaVersion: String(version) };
  }

  describeSchema(input: DescribeSchemaCommandInput): Omit<DescribeSchemaCommandOutput, '$metadata'> {
    const registryName = input.RegistryName ?? '';
    const registry = this.registries.get(registryName);
    const schema = registry?.get(input.SchemaName ?? '');
    if (!schema) {
      const message = registry
        ? `Schema with name ${input.SchemaName} does not exist.`
        : `Registry with name ${registryName} does not exist.`;
      throw new NotFoundException({ message, Code: 'NotFoundException', Message: message, $metadata: {} });
    }
    return {
      Content: schema.content,
      SchemaName: input.SchemaName,
      SchemaArn: `arn:aws:schemas:${this.identity.region}:${this.identity.accountId}:schema/${registryName}/${input.SchemaName}`,
      SchemaVersion: String(schema.version),
      Type: schema.type,
      LastModified: schema.at,
      VersionCreatedDate: schema.at,
    };
  }
}
