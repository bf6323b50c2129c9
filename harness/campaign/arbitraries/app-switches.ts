import type fc from 'fast-check';
import type { AppSwitch } from '../../devices/index.js';
import { sortedTimes } from './internal/time-grid.js';

export interface AppSwitchesArbitraryOptions {
  durationMs: number;
  /** Default 4. */
  maxSwitches?: number;
}

/**
 * App background/foreground switches (the device script's `app`): alternating states at increasing
 * times, starting from the foreground (the app's initial state). Shrinks to none.
 */
export function appSwitchesArbitrary(options: AppSwitchesArbitraryOptions): fc.Arbitrary<AppSwitch[]> {
  return sortedTimes(500, options.durationMs - 500, options.maxSwitches ?? 4).map((times) =>
    times.map((atMs, i) => ({ atMs, state: i % 2 === 0 ? 'background' : 'foreground' })),
  );
}
