import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import * as z from 'zod/mini';
import { defineStep } from '../lib/define-step.js';
import { type Finding, problemIf } from '../lib/finding.js';
import { readMetrics, total } from '../lib/metric-window.js';
import { parseInput } from '../lib/parse-input.js';
import { nonNegativeInt, positiveInt, timestampString } from '../lib/schemas.js';
import type { StepCore } from '../lib/step-deps.js';

const inputSchema = z.object({
  /** The throttled function; null for an account-wide incident (then the account's throttles count). */
  functionName: z.nullable(z.string()),
  /** When the change took effect. */
  since: timestampString(),
  previousChecks: nonNegativeInt(),
  maxChecks: positiveInt(),
  windowMinutes: positiveInt(),
  recoveredThrottles: nonNegativeInt(),
});

export type VerifyThrottlesInput = z.input<typeof inputSchema>;

export interface ThrottleVerification extends Finding {
  readonly recovered: boolean;
  /** The change did not help: it is reverted and a human told. */
  readonly exhausted: boolean;
  readonly throttles: number;
  readonly invocations: number;
  readonly checks: number;
  readonly since: string;
  readonly checkedAt: string;
}

/**
 * Whether the change worked: throttles since it took effect (after the first minute, which may
 * still hold requests throttled before it) at or below the threshold for a whole verification
 * window. Throttles after the window, or after the last check, mean it did not. Reads only.
 */
export const verifyThrottles: StepCore<VerifyThrottlesInput, ThrottleVerification, 'cloudwatch'> = async (
  rawInput,
  deps,
) => {
  const input = parseInput(inputSchema, rawInput, 'verify-throttles');
  const now = deps.now();
  const since = new Date(input.since);
  const from = new Date(Math.ceil((since.getTime() + 60_000) / 60_000) * 60_000);
  const dimensions: Record<string, string> = input.functionName ? { FunctionName: input.functionName } : {};
  const series = await readMetrics(
    deps.clients.cloudwatch,
    {
      throttles: { namespace: 'AWS/Lambda', name: 'Throttles', dimensions, stat: 'Sum' },
      invocations: { namespace: 'AWS/Lambda', name: 'Invocations', dimensions, stat: 'Sum' },
    },
    { start: from, end: now, periodSeconds: 60 },
  );
  const throttles = total(series.throttles ?? []);
  const windowDone = now.getTime() - since.getTime() >= input.windowMinutes * 60_000;
  const checks = input.previousChecks + 1;
  const recovered = windowDone && throttles <= input.recoveredThrottles;
  const exhausted = !recovered && (windowDone || checks >= input.maxChecks);
  return {
    recovered,
    exhausted,
    ...problemIf(
      exhausted,
      () => `still throttled after the change: ${throttles} throttles in ${checks} verification checks`,
    ),
    throttles,
    invocations: total(series.invocations ?? []),
    checks,
    since: since.toISOString(),
    checkedAt: now.toISOString(),
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: 'verify-throttles',
  module: import.meta.url,
  clients: { cloudwatch: CloudWatchClient },
  core: verifyThrottles,
  permissions: [{ actions: ['cloudwatch:GetMetricData'], on: 'any' }],
});

export const handler = step.handler;
