import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DeleteItemCommandInput,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type QueryCommandInput,
  ResourceNotFoundException,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { applyUpdate, evaluateCondition, type Item } from './dynamodb-expressions.js';

interface Table {
  readonly keys: readonly string[];
  readonly items: Map<string, Item>;
}

/**
 * DynamoDB tables with the single-item operations and conditional writes that leases and Powertools
 * idempotency use. A failed condition raises ConditionalCheckFailedException, carrying the old item
 * when `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`, as DynamoDB does.
 */
export class SimulatedDynamoDb {
  private readonly tables = new Map<string, Table>();

  createTable(name: string, keys: readonly string[]): void {
    this.tables.set(name, { keys, items: new Map() });
  }

  getItem(input: GetItemCommandInput): { Item?: Item } {
    const table = this.table(input.TableName);
    const item = table.items.get(this.keyOf(table, input.Key));
    return item ? { Item: { ...item } } : {};
  }

  putItem(input: PutItemCommandInput): { Attributes?: Item } {
    const table = this.table(input.TableName);
    const item = input.Item ?? {};
    const key = this.keyOf(table, item);
    const old = table.items.get(key);
    this.check(input, old);
    table.items.set(key, { ...item });
    return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
  }

  updateItem(input: UpdateItemCommandInput): { Attributes?: Item } {
    const table = this.table(input.TableName);
    const key = this.keyOf(table, input.Key);
    const old = table.items.get(key);
    this.check(input, old);
    const updated = applyUpdate(input.UpdateExpression ?? '', old ?? { ...input.Key }, {
      names: input.ExpressionAttributeNames ?? {},
      values: input.ExpressionAttributeValues ?? {},
    });
    table.items.set(key, updated);
    if (input.ReturnValues === 'ALL_NEW') return { Attributes: { ...updated } };
    return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
  }

  deleteItem(input: DeleteItemCommandInput): { Attributes?: Item } {
    const table = this.table(input.TableName);
    const key = this.keyOf(table, input.Key);
    const old = table.items.get(key);
    this.check(input, old);
    table.items.delete(key);
    return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
  }

  /**
   * The items of one partition, in sort key order: a key condition of the form `<pk> = :value`
   * (by name or `#name`), the one the platform uses; anything else is refused as unmodelled.
   */
  query(input: QueryCommandInput): { Items: Item[]; Count: number } {
    const table = this.table(input.TableName);
    const match = /^\s*(#?[\w]+)\s*=\s*(:[\w]+)\s*$/.exec(input.KeyConditionExpression ?? '');
    if (!match)
      throw new Error(
        `the simulated DynamoDB does not model the key condition ${input.KeyConditionExpression}`,
      );
    const [, nameToken = '', valueToken = ''] = match;
    const name = nameToken.startsWith('#') ? (input.ExpressionAttributeNames?.[nameToken] ?? '') : nameToken;
    const [partitionKey, sortKey] = table.keys;
    if (name !== partitionKey)
      throw new Error(`query on ${name}, which is not the partition key ${partitionKey}`);
    const wanted = JSON.stringify(input.ExpressionAttributeValues?.[valueToken]);
    const items = [...table.items.values()]
      .filter((item) => JSON.stringify(item[name]) === wanted)
      .sort((a, b) => {
        const [x, y] = [a, b].map((i) => (sortKey ? Object.values(i[sortKey] ?? {})[0] : ''));
        return String(x).localeCompare(String(y));
      })
      .map((item) => ({ ...item }));
    return { Items: items, Count: items.length };
  }

  /** Every item of a table, for scenario reports. */
  scan(tableName: string): Item[] {
    return [...this.table(tableName).items.values()].map((item) => ({ ...item }));
  }

  private check(
    input: {
      ConditionExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, AttributeValue>;
      ReturnValuesOnConditionCheckFailure?: string;
    },
    old: Item | undefined,
  ): void {
    if (!input.ConditionExpression) return;
    const ctx = {
      names: input.ExpressionAttributeNames ?? {},
      values: input.ExpressionAttributeValues ?? {},
    };
    if (evaluateCondition(input.ConditionExpression, old, ctx)) return;
    throw new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
      ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old ? { Item: { ...old } } : {}),
    });
  }

  private table(name: string | undefined): Table {
    const table = this.tables.get(name ?? '');
    if (!table)
      throw new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
    return table;
  }

  private keyOf(table: Table, item: Item | undefined): string {
    return table.keys
      .map((k) => {
        const value = item?.[k];
        if (!value) throw new Error(`item is missing key attribute ${k}`);
        return JSON.stringify(value);
      })
      .join('|');
  }
}
