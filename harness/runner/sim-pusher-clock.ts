import type { PusherClock } from '../adapter/types.js';
import type { ScheduledEvent, Scheduler } from '../sim/index.js';

/**
 * A pusher's clock on the scheduler: milliseconds (fractional: virtual µs / 1000), timers as scheduler
 * events. Delays are rounded to whole µs; negative or non-finite delays count as 0, like Node's timers.
 */
export function createSimPusherClock(scheduler: Scheduler, label = 'pusher'): PusherClock {
  const toMicros = (ms: number) => (Number.isFinite(ms) && ms > 0 ? Math.round(ms * 1000) : 0);
  const intervals = new Map<object, { cancel(): void }>();
  return {
    now: () => scheduler.now / 1000,
    setTimeout: (fn, ms) => scheduler.after(toMicros(ms), fn, `${label}:timeout`),
    clearTimeout: (handle) => {
      if (handle && typeof handle === 'object' && 'cancelled' in handle)
        scheduler.cancel(handle as ScheduledEvent);
    },
    setInterval: (fn, ms) => {
      const key = {};
      intervals.set(key, scheduler.every(Math.max(1, toMicros(ms)), fn, `${label}:interval`));
      return key;
    },
    clearInterval: (handle) => {
      if (handle && typeof handle === 'object') {
        intervals.get(handle)?.cancel();
        intervals.delete(handle);
      }
    },
  };
}
