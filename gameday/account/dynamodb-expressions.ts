import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

interface ExpressionContext {
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, AttributeValue>>;
}

type Token = { kind: 'word' | 'op' | 'paren' | 'comma'; text: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(<>|<=|>=|=|<|>)|([(),])|([#:]?[A-Za-z0-9_.-]+))/gy;
  while (pattern.lastIndex < expression.length) {
    const match = pattern.exec(expression);
    if (!match) break;
    if (match[1]) tokens.push({ kind: 'op', text: match[1] });
    else if (match[2]) tokens.push({ kind: match[2] === ',' ? 'comma' : 'paren', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'word', text: match[3] });
  }
  if (expression.slice(pattern.lastIndex).trim())
    throw new Error(`cannot parse expression near "${expression.slice(pattern.lastIndex)}"`);
  return tokens;
}

function resolveName(token: string, ctx: ExpressionContext): string {
  if (!token.startsWith('#')) return token;
  const name = ctx.names[token];
  if (name === undefined) throw new Error(`ExpressionAttributeNames has no ${token}`);
  return name;
}

/** Compares two attribute values as DynamoDB does: numbers numerically, strings by code unit. */
function compare(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  if (!a || !b) return undefined;
  if (a.N !== undefined && b.N !== undefined) return Number(a.N) - Number(b.N);
  if (a.S !== undefined && b.S !== undefined) return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  if (a.BOOL !== undefined && b.BOOL !== undefined) return a.BOOL === b.BOOL ? 0 : undefined;
  return undefined;
}

/**
 * Evaluates a DynamoDB ConditionExpression against an item: comparisons, AND / OR / NOT, parentheses,
 * `attribute_exists`, `attribute_not_exists` and `begins_with`, with `#name` and `:value` placeholders
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html).
 * Top-level attribute paths only: what conditional writes of leases and idempotency records use.
 */
export function evaluateCondition(
  expression: string,
  item: Item | undefined,
  ctx: ExpressionContext,
): boolean {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    const token = tokens[position++];
    if (!token) throw new Error(`unexpected end of expression "${expression}"`);
    return token;
  };
  const operand = (token: Token): AttributeValue | undefined => {
    if (token.text.startsWith(':')) {
      const value = ctx.values[token.text];
      if (value === undefined) throw new Error(`ExpressionAttributeValues has no ${token.text}`);
      return value;
    }
    return item?.[resolveName(token.text, ctx)];
  };
  const primary = (): boolean => {
    const token = next();
    if (token.text === '(') {
      const value = or();
      next();
      return value;
    }
    if (token.text.toUpperCase() === 'NOT') return !primary();
    if (peek()?.text === '(' && /^(attribute_exists|attribute_not_exists|begins_with)$/.test(token.text)) {
      next();
      const path = next();
      let argument: Token | undefined;
      if (peek()?.kind === 'comma') {
        next();
        argument = next();
      }
      next();
      const value = operand(path);
      if (token.text === 'attribute_exists') return value !== undefined;
      if (token.text === 'attribute_not_exists') return value === undefined;
      const prefix = argument ? operand(argument)?.S : undefined;
      return value?.S !== undefined && prefix !== undefined && value.S.startsWith(prefix);
    }
    const operator = next();
    const result = compare(operand(token), operand(next()));
    if (result === undefined) return operator.text === '<>';
    switch (operator.text) {
      case '=':
        return result === 0;
      case '<>':
        return result !== 0;
      case '<':
        return result < 0;
      case '<=':
        return result <= 0;
      case '>':
        return result > 0;
      case '>=':
        return result >= 0;
      default:
        throw new Error(`unsupported operator ${operator.text}`);
    }
  };
  const and = (): boolean => {
    let value = primary();
    while (peek()?.text.toUpperCase() === 'AND') {
      next();
      const right = primary();
      value = value && right;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek()?.text.toUpperCase() === 'OR') {
      next();
      const right = and();
      value = value || right;
    }
    return value;
  };
  const result = or();
  if (position !== tokens.length)
    throw new Error(`unexpected "${tokens[position]?.text}" in "${expression}"`);
  return result;
}

/** Applies an UpdateExpression of `SET a = :v, ...` and `REMOVE b, ...` clauses to a copy of the item. */
export function applyUpdate(expression: string, item: Item, ctx: ExpressionContext): Item {
  const updated: Item = { ...item };
  const clauses = expression
    .split(/\b(SET|REMOVE)\b/i)
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = 0; i < clauses.length; i += 2) {
    const action = clauses[i]?.toUpperCase();
    const body = clauses[i + 1] ?? '';
    for (const part of body
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (action === 'SET') {
        const [path, valueRef] = part.split('=').map((s) => s.trim());
        const value = ctx.values[valueRef ?? ''];
        if (!path || value === undefined) throw new Error(`cannot apply "SET ${part}"`);
        updated[resolveName(path, ctx)] = value;
      } else if (action === 'REMOVE') {
        delete updated[resolveName(part, ctx)];
      } else {
        throw new Error(`unsupported update clause ${action}`);
      }
    }
  }
  return updated;
}
