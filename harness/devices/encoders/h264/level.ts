/**
 * Level selection (H.264 Table A-1) for a given frame size in macroblocks and frame rate.
 */

interface LevelLimits {
  /** level_idc as written in the SPS (e.g. 31 for level 3.1). */
  levelIdc: number;
  /** MaxMBPS: macroblocks per second. */
  maxMbps: number;
  /** MaxFS: macroblocks per frame. */
  maxFs: number;
}

// Level 1b is skipped: for Baseline it needs constraint_set3 tricks and is never the smallest fit we need.
const LEVELS: readonly LevelLimits[] = [
  { levelIdc: 10, maxMbps: 1485, maxFs: 99 },
  { levelIdc: 11, maxMbps: 3000, maxFs: 396 },
  { levelIdc: 12, maxMbps: 6000, maxFs: 396 },
  { levelIdc: 13, maxMbps: 11880, maxFs: 396 },
  { levelIdc: 20, maxMbps: 11880, maxFs: 396 },
  { levelIdc: 21, maxMbps: 19800, maxFs: 792 },
  { levelIdc: 22, maxMbps: 20250, maxFs: 1620 },
  { levelIdc: 30, maxMbps: 40500, maxFs: 1620 },
  { levelIdc: 31, maxMbps: 108000, maxFs: 3600 },
  { levelIdc: 32, maxMbps: 216000, maxFs: 5120 },
  { levelIdc: 40, maxMbps: 245760, maxFs: 8192 },
  { levelIdc: 41, maxMbps: 245760, maxFs: 8192 },
  { levelIdc: 42, maxMbps: 522240, maxFs: 8704 },
  { levelIdc: 50, maxMbps: 589824, maxFs: 22080 },
  { levelIdc: 51, maxMbps: 983040, maxFs: 36864 },
  { levelIdc: 52, maxMbps: 2073600, maxFs: 36864 },
  { levelIdc: 60, maxMbps: 4177920, maxFs: 139264 },
  { levelIdc: 61, maxMbps: 8355840, maxFs: 139264 },
  { levelIdc: 62, maxMbps: 16711680, maxFs: 139264 },
];

/**
 * Smallest level_idc whose MaxFS, MaxMBPS and frame-dimension limits (A.3.1: each dimension in
 * macroblocks <= sqrt(8 × MaxFS)) admit the stream. Throws when even level 6.2 does not.
 */
export function chooseLevel(widthMbs: number, heightMbs: number, fps: number): number {
  const frameMbs = widthMbs * heightMbs;
  const mbps = frameMbs * fps;
  for (const level of LEVELS) {
    const maxDimension = Math.sqrt(8 * level.maxFs);
    if (
      frameMbs <= level.maxFs &&
      mbps <= level.maxMbps &&
      widthMbs <= maxDimension &&
      heightMbs <= maxDimension
    ) {
      return level.levelIdc;
    }
  }
  throw new Error(
    `Failed to choose an H.264 level: ${frameMbs} macroblocks per frame at fps ${fps} ` +
      `(${mbps} macroblocks/s) exceeds level 6.2 (expected at most 16711680 macroblocks/s)`,
  );
}
