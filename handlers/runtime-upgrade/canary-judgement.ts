import type { CanaryGuardrails, CanaryVerdict, VersionFigures } from './contract.js';

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/**
 * Judges a canary from both versions' traffic through the alias over the same minutes and the
 * function's alarms. Too few calls on the new version decide nothing (wait, until the last check);
 * a clearly worse error rate or latency is a regression; a firing alarm while the new version is
 * not worse is mixed evidence: the runbook hands back rather than deciding.
 */
export function judgeCanary(
  old: VersionFigures,
  fresh: VersionFigures,
  alarmsFiring: readonly string[],
  guardrails: CanaryGuardrails,
  checks: number,
  maxChecks: number,
): { verdict: CanaryVerdict; reason: string } {
  const errorLimit = Math.max(
    old.errorRate + guardrails.maxErrorRateIncrease,
    old.errorRate * guardrails.errorRateFactor,
  );
  // Judge only on enough calls: a single failure in a handful would read as a large rate.
  const enough = fresh.invocations >= guardrails.minInvocations;
  if (enough && fresh.errorRate > errorLimit) {
    return {
      verdict: 'regressed',
      reason: `version ${fresh.version} failed ${percent(fresh.errorRate)} of ${fresh.invocations} calls, version ${old.version} ${percent(old.errorRate)} of ${old.invocations}`,
    };
  }
  if (
    enough &&
    old.averageDurationMs > 0 &&
    fresh.averageDurationMs > old.averageDurationMs * guardrails.maxDurationRatio
  ) {
    return {
      verdict: 'regressed',
      reason: `version ${fresh.version} took ${Math.round(fresh.averageDurationMs)} ms on average, version ${old.version} ${Math.round(old.averageDurationMs)} ms`,
    };
  }
  if (alarmsFiring.length > 0) {
    return {
      verdict: 'mixed',
      reason: `${alarmsFiring.join(', ')} in ALARM while version ${fresh.version} is no worse than ${old.version}: not deciding on mixed evidence`,
    };
  }
  if (!enough) {
    return checks >= maxChecks
      ? {
          verdict: 'insufficient-traffic',
          reason: `only ${fresh.invocations} calls reached version ${fresh.version} in ${checks} checks (at least ${guardrails.minInvocations} needed to decide)`,
        }
      : { verdict: 'wait', reason: `${fresh.invocations} of ${guardrails.minInvocations} calls so far` };
  }
  return {
    verdict: 'healthy',
    reason: `version ${fresh.version}: ${percent(fresh.errorRate)} errors, ${Math.round(fresh.averageDurationMs)} ms over ${fresh.invocations} calls; version ${old.version}: ${percent(old.errorRate)}, ${Math.round(old.averageDurationMs)} ms`,
  };
}
