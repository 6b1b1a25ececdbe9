import type { AslChoiceRule } from './asl-types.js';

const operators: Readonly<Record<string, string>> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
  Matches: 'matches',
};

const typeTests: Readonly<Record<string, string>> = {
  IsPresent: 'is present',
  IsNull: 'is null',
  IsBoolean: 'is a boolean',
  IsNumeric: 'is a number',
  IsString: 'is a string',
  IsTimestamp: 'is a timestamp',
};

/** One comparison (`StringEquals`, `NumericGreaterThanPath`, `IsPresent`…) in words a reader follows. */
function comparisonText(variable: string, key: string, value: unknown): string | undefined {
  const typeTest = typeTests[key];
  if (typeTest)
    return value === false ? `${variable} ${typeTest.replace('is', 'is not')}` : `${variable} ${typeTest}`;
  const match =
    /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/.exec(
      key,
    );
  if (!match?.[2]) return undefined;
  const operand = match[3] ? String(value) : JSON.stringify(value);
  return `${variable} ${operators[match[2]]} ${operand}`;
}

/** Renders a Choice rule (including And / Or / Not) as a readable condition. */
export function choiceRuleText(rule: AslChoiceRule): string {
  if (rule.And) return rule.And.map((r) => `(${choiceRuleText(r)})`).join(' and ');
  if (rule.Or) return rule.Or.map((r) => `(${choiceRuleText(r)})`).join(' or ');
  if (rule.Not) return `not (${choiceRuleText(rule.Not)})`;
  const variable = rule.Variable ?? '$';
  for (const [key, value] of Object.entries(rule)) {
    const text = comparisonText(variable, key, value);
    if (text) return text;
  }
  return `${variable} (unrecognised comparison)`;
}
