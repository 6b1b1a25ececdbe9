/** Errors worth retrying: throttling and server-side faults (the SDK marks the latter `$fault: 'server'`). */
export function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; $fault?: string; $retryable?: unknown };
  return (
    e.$fault === 'server' ||
    e.$retryable !== undefined ||
    [
      'RequestThrottled',
      'ThrottlingException',
      'Throttling',
      'KmsThrottled',
      'OverLimit',
      'ServiceUnavailable',
    ].includes(e.name ?? '')
  );
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Calls `fn`, retrying throttling and server errors with exponential backoff and full jitter: the
 * n-th wait is uniform in [0, min(cap, base × 2ⁿ)], which spreads retries of many callers best
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). Returns the result and
 * how many retries it took; the last error is thrown once the attempts are spent.
 */
export async function withBackoff<T>(
  fn: () => Promise<T>,
  options: BackoffOptions,
): Promise<{ value: T; retries: number }> {
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return { value: await fn(), retries: attempt };
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= options.maxAttempts) throw error;
      await options.sleep(random() * Math.min(options.capMs, options.baseMs * 2 ** attempt));
    }
  }
}
