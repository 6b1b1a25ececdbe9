import * as z from 'zod/mini';
import { routeRuleSchema } from '../handlers/lib/alarm-routing.js';
import { changeBudgetSchema, defaultChangeBudget } from '../handlers/lib/change-budget.js';
import { organizationSchema, registeredAccountsSchema } from '../handlers/lib/organization.js';
import { environments } from '../handlers/lib/step-deps.js';
import { rotatedSecretSchema } from './secret-rotation.js';

const arnPattern = (service: string, resource: string) =>
  new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}$`);

/** A Lambda function ARN; `*` may stand for any part of the name. */
const functionArn = z
  .string()
  .check(
    z.regex(
      arnPattern('lambda', 'function:[A-Za-z0-9_*-]{1,64}(:[A-Za-z0-9_$*-]+)?'),
      'is not a Lambda function ARN',
    ),
  );
const queueArn = z
  .string()
  .check(z.regex(arnPattern('sqs', '[A-Za-z0-9_.-]{1,80}'), 'is not an SQS queue ARN'));
const keyArn = z.string().check(z.regex(arnPattern('kms', 'key/[a-f0-9-]{1,64}'), 'is not a KMS key ARN'));

/**
 * One DLQ the replay may act on, with what it implies: its source queue (the replay sends there),
 * the function consuming the source (whose health the replay reads) and, derived, its quarantine
 * queue `<dlq>-quarantine`. Queues encrypted with a customer-managed key name it, so the platform
 * may use it through SQS.
 */
export const deadLetterQueueSchema = z.object({
  dlq: queueArn,
  source: queueArn,
  consumer: functionArn,
  kmsKeyArn: z.optional(keyArn),
});

export type DeadLetterQueueSetting = z.infer<typeof deadLetterQueueSchema>;

/** The DLQ's quarantine queue, as the replay names it (`<dlq>-quarantine`, `.fifo` kept last). */
export function quarantineArnOf(dlqArn: string): string {
  const fifo = dlqArn.endsWith('.fifo');
  return `${dlqArn.replace(/\.fifo$/, '')}-quarantine${fifo ? '.fifo' : ''}`;
}

/** Context given on the command line arrives as a string: JSON lists and objects are parsed here. */
function fromJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}

const fromCommandLine = <S extends z.ZodMiniType>(schema: S) => z.pipe(z.transform(fromJsonText), schema);

const flag = z.pipe(
  z.transform((value: unknown) => (value === 'true' ? true : value === 'false' ? false : value)),
  z.boolean(),
);

/** Every setting the app reads, with its default. Unknown `runbooks:` settings are refused. */
/**
 * Object Lock of the evidence records: COMPLIANCE (nobody, root included, shortens or removes it)
 * or GOVERNANCE (people with s3:BypassGovernanceRetention may), and for how many days.
 */
const evidenceSettingsSchema = z.strictObject({
  mode: z.enum(['COMPLIANCE', 'GOVERNANCE']),
  retentionDays: z.int().check(z.minimum(1), z.maximum(36_500)),
});

const defaultEvidenceSettings = { mode: 'COMPLIANCE', retentionDays: 400 } as const;

const settingsSchema = z.strictObject({
  'runbooks:environment': z._default(
    z.enum(environments, { error: `is not one of ${environments.join(', ')}` }),
    'dev',
  ),
  'runbooks:targetFunctionArns': z.optional(fromCommandLine(z.array(functionArn).check(z.minLength(1)))),
  'runbooks:deadLetterQueues': z.optional(
    fromCommandLine(z.array(deadLetterQueueSchema).check(z.minLength(1))),
  ),
  'runbooks:routes': z._default(fromCommandLine(z.array(routeRuleSchema)), []),
  'runbooks:slackAccess': z.optional(z.string().check(z.minLength(1))),
  'runbooks:rotatedSecrets': z._default(fromCommandLine(z.array(rotatedSecretSchema)), []),
  'runbooks:credentialAdapter': z.optional(functionArn),
  'runbooks:gameDay': z._default(flag, false),
  'runbooks:reservedConcurrency': z._default(flag, true),
  'runbooks:changeBudget': z._default(fromCommandLine(changeBudgetSchema), defaultChangeBudget),
  'runbooks:organization': z.optional(fromCommandLine(organizationSchema)),
  'runbooks:accounts': z.optional(fromCommandLine(registeredAccountsSchema)),
  'runbooks:evidence': z._default(fromCommandLine(evidenceSettingsSchema), defaultEvidenceSettings),
});

export type ContextSettings = z.output<typeof settingsSchema>;

export type EvidenceSettings = z.output<typeof evidenceSettingsSchema>;

/** Settings that were replaced, and what replaced them. */
const replaced: Readonly<Record<string, string>> = {
  'runbooks:queueArns':
    'runbooks:queueArns was replaced by runbooks:deadLetterQueues: [{"dlq":"<DLQ ARN>","source":"<source queue ARN>","consumer":"<consumer function ARN>"}], which grants each DLQ, its source and its quarantine queue',
};

/** Each problem with the setting it concerns, what was found there (cut short) and what is allowed. */
function settingProblems(error: z.core.$ZodError, given: Readonly<Record<string, unknown>>): string {
  return error.issues
    .map((issue) => {
      const [setting, ...rest] = issue.path.map(String);
      let found: unknown = setting === undefined ? undefined : fromJsonText(given[setting]);
      for (const part of rest) found = (found as Record<string, unknown> | undefined)?.[part];
      const shown = found === undefined ? 'nothing' : JSON.stringify(found).slice(0, 100);
      const where = [setting, ...rest].filter(Boolean).join('.') || '(context)';
      return issue.code === 'unrecognized_keys'
        ? `unknown setting ${issue.keys.join(', ')}; known: ${Object.keys(settingsSchema.shape).join(', ')}`
        : `${where}: ${issue.message} (found ${shown})`;
    })
    .join('; ');
}

/**
 * Reads and validates every `runbooks:` context setting (from cdk.json, `cdk.context.json` or
 * `-c key=value`); an invalid one fails synth with the setting, what was found and what is allowed.
 */
export function readContextSettings(context: Readonly<Record<string, unknown>>): ContextSettings {
  const ours = Object.fromEntries(Object.entries(context).filter(([key]) => key.startsWith('runbooks:')));
  for (const key of Object.keys(ours)) {
    const replacement = replaced[key];
    if (replacement) throw new Error(replacement);
  }
  const parsed = settingsSchema.safeParse(ours);
  if (!parsed.success) throw new Error(`invalid context settings: ${settingProblems(parsed.error, ours)}`);
  const settings = parsed.data;
  if (settings['runbooks:rotatedSecrets'].length > 0 && !settings['runbooks:credentialAdapter']) {
    throw new Error(
      'runbooks:rotatedSecrets needs runbooks:credentialAdapter, the function that sets and tests credentials',
    );
  }
  if (settings['runbooks:accounts'] && !settings['runbooks:organization']) {
    throw new Error(
      'runbooks:accounts needs runbooks:organization, {"organizationId":"o-…"}: spokes trust the hub within it',
    );
  }
  return settings;
}
