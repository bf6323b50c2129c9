/**
 * Cumulative byte budget shared by the synthetic encoders' padding logic.
 *
 * Each unit (video frame, audio frame) earns `bitrate × duration / 8` bytes. The encoder asks how many
 * bytes it may still spend after its natural output and pads up to that, so the running total tracks the
 * target cumulatively: an IDR's overshoot is paid back by the frames that follow. The carried overshoot is
 * capped (see {@link ByteBudget.maxCarriedExcessBytes}) so that a long stretch below the natural size does not
 * starve the stream after the target is raised again.
 */
export class ByteBudget {
  /** Bytes earned minus bytes spent; negative when ahead of target (overshoot). */
  private balance = 0;
  /** Largest overshoot, in bytes, carried into later units. Default: unlimited until set. */
  maxCarriedExcessBytes = Number.POSITIVE_INFINITY;

  /** Adds the allowance of one unit: `bitsPerSecond × seconds / 8` bytes. */
  earn(bitsPerSecond: number, seconds: number): void {
    this.balance += (bitsPerSecond * seconds) / 8;
  }

  /** Bytes that may be spent now (never negative, never fractional). */
  available(): number {
    return Math.max(0, Math.floor(this.balance));
  }

  /** Records bytes actually emitted for the unit. */
  spend(bytes: number): void {
    this.balance -= bytes;
    if (this.balance < -this.maxCarriedExcessBytes) this.balance = -this.maxCarriedExcessBytes;
  }

  /** Bytes earned but not yet spent (negative: overshoot carried). */
  get outstanding(): number {
    return this.balance;
  }
}
