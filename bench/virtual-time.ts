import FakeTimers from '@sinonjs/fake-timers';

/**
 * Runs `work` with timers, Date and performance on a virtual clock: whenever everything else waits,
 * the next timer fires at once, so a replay of minutes against a simulated consumer costs only the
 * CPU it needs. Its in-process simulated account has no real I/O to wait for; a run past
 * `limitMs` of virtual time is an error, not a hang.
 */
export async function onVirtualTime<T>(work: () => Promise<T>, limitMs: number): Promise<T> {
  const clock = FakeTimers.install({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    now: Date.now(),
  });
  const start = clock.now;
  try {
    let settled = false;
    const result = work().finally(() => {
      settled = true;
    });
    while (!settled) {
      if (clock.now - start > limitMs)
        throw new Error(`still running after ${limitMs / 1000} s of virtual time`);
      await clock.nextAsync();
    }
    return await result;
  } finally {
    clock.uninstall();
  }
}
