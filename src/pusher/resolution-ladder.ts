import type { Aspect, Orientation, PusherMode } from '../../harness/adapter/types.js';

/** One rung: the short side in pixels and the lowest target bitrate (kbit/s) it is used at. */
export interface Rung {
  name: '270p' | '360p' | '540p' | '720p' | '1080p';
  shortSide: number;
  minKbps: number;
}

/**
 * The resolution ladder (docs/pusher.md "Resolution ladder"). The seed: "for a bitrate of 2 Mbps, mini
 * programs select 720p resolution to match, and for a bitrate of 300 Kbps, a lower resolution".
 */
export const LADDER: readonly Rung[] = [
  { name: '270p', shortSide: 272, minKbps: 0 },
  { name: '360p', shortSide: 368, minKbps: 350 },
  { name: '540p', shortSide: 544, minKbps: 700 },
  { name: '720p', shortSide: 720, minKbps: 1200 },
  { name: '1080p', shortSide: 1088, minKbps: 2500 },
];

/** The highest rung each mode may use: SD 360p, HD 540p, FHD 720p (and 1080p above 2.5 Mbit/s), RTC 540p. */
export const MODE_CEILING: Record<PusherMode, Rung['name']> = {
  SD: '360p',
  HD: '540p',
  FHD: '1080p',
  RTC: '540p',
};

export interface VideoShape {
  width: number;
  height: number;
  rung: Rung['name'];
}

/** Width and height for a rung, aspect and orientation; both even, long side rounded to a multiple of 16. */
export function shapeFor(rung: Rung, aspect: Aspect, orientation: Orientation): VideoShape {
  const [a, b] = aspect === '9:16' ? [9, 16] : [3, 4];
  const short = rung.shortSide;
  const long = Math.round((short * b) / a / 16) * 16;
  return orientation === 'vertical'
    ? { width: short, height: long, rung: rung.name }
    : { width: long, height: short, rung: rung.name };
}

/** The rung for a target bitrate under the mode's ceiling (no hysteresis: see ResolutionSelector). */
export function rungFor(targetKbps: number, mode: PusherMode): Rung {
  const ceilingIndex = LADDER.findIndex((r) => r.name === MODE_CEILING[mode]);
  let chosen = LADDER[0];
  for (let i = 0; i <= ceilingIndex; i++) if (targetKbps >= LADDER[i].minKbps) chosen = LADDER[i];
  return chosen;
}

/**
 * Chooses the rung with hysteresis so a target hovering at a threshold does not flap: step down when the
 * target has been below the current rung's threshold for `downHoldMs`, step up when it has been at least
 * 10% above the next rung's threshold for `upHoldMs`.
 */
export class ResolutionSelector {
  #current: Rung;
  #belowSince: number | undefined;
  #aboveSince: number | undefined;
  readonly #downHoldMs: number;
  readonly #upHoldMs: number;

  constructor(
    initialKbps: number,
    mode: PusherMode,
    options: { downHoldMs?: number; upHoldMs?: number } = {},
  ) {
    this.#current = rungFor(initialKbps, mode);
    this.#downHoldMs = options.downHoldMs ?? 1500;
    this.#upHoldMs = options.upHoldMs ?? 4000;
  }

  get current(): Rung {
    return this.#current;
  }

  /** Feed the current target; returns the rung to use now (changed or not). */
  update(targetKbps: number, mode: PusherMode, nowMs: number): Rung {
    const ideal = rungFor(targetKbps, mode);
    const idealIndex = LADDER.indexOf(ideal);
    const currentIndex = LADDER.indexOf(this.#current);
    if (idealIndex < currentIndex) {
      this.#aboveSince = undefined;
      this.#belowSince ??= nowMs;
      // above the mode's ceiling (mode changed) step down at once
      const overCeiling = currentIndex > LADDER.findIndex((r) => r.name === MODE_CEILING[mode]);
      if (overCeiling || nowMs - this.#belowSince >= this.#downHoldMs) {
        this.#current = ideal;
        this.#belowSince = undefined;
      }
    } else if (idealIndex > currentIndex && targetKbps >= LADDER[currentIndex + 1].minKbps * 1.1) {
      this.#belowSince = undefined;
      this.#aboveSince ??= nowMs;
      if (nowMs - this.#aboveSince >= this.#upHoldMs) {
        this.#current = LADDER[currentIndex + 1];
        this.#aboveSince = undefined;
      }
    } else {
      this.#belowSince = undefined;
      this.#aboveSince = undefined;
    }
    return this.#current;
  }

  /** Jump straight to the rung for `targetKbps` (a new session, a mode change). */
  reset(targetKbps: number, mode: PusherMode): Rung {
    this.#current = rungFor(targetKbps, mode);
    this.#belowSince = undefined;
    this.#aboveSince = undefined;
    return this.#current;
  }
}
