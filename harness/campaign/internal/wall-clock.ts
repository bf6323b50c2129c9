/**
 * Wall-clock milliseconds, for the campaign's time budget and progress only: it decides how many runs
 * start, never what a run does (every run is a pure function of seed, path and pusher).
 */
export function wallClockMs(): number {
  return performance.now(); // determinism-ok: time budget and progress display only, see docs/campaigns.md
}
