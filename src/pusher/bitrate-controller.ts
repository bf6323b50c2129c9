/**
 * The congestion controller (docs/pusher.md "Bitrate adaptation"). In the spirit of OBS's dynamic bitrate
 * (react to the send queue) with two changes that make it converge faster and probe back up:
 * - it measures the throughput the network actually drains and cuts straight to a fraction of it, instead
 *   of fixed steps from the original rate;
 * - it raises multiplicatively while the queue stays empty: 8%/s up to 10% above the video rate at which it
 *   last saw congestion, 15%/s beyond it (capacity has evidently grown), so recovery from the 200 kbit/s
 *   floor to 1200 kbit/s takes ~15 s rather than a minute (docs/spec.md bitrate/recover/1: 20 s).
 * Pure: fed with samples, returns decisions; no clock or I/O of its own.
 */
export interface BitrateControllerOptions {
  minKbps: number;
  maxKbps: number;
  /** Queueing delay above which we cut, ms. LVB 300, RTC 150. */
  congestedDelayMs: number;
  /** Queueing delay above which video frames are dropped until the next keyframe, ms. LVB 2000, RTC 500. */
  dropDelayMs: number;
  /** Initial target, kbit/s (default max). */
  initialKbps?: number;
}

export interface BitrateSample {
  nowMs: number;
  /** Total bytes handed to the socket so far (monotonic). */
  bytesHandedToSocket: number;
  /** Bytes the socket still buffers (not yet taken by the network). */
  socketBacklogBytes: number;
  /** Encoded bytes waiting in our own queue, not yet handed to the socket. */
  appBacklogBytes: number;
  /** Current audio rate, kbit/s, part of what the link must carry. */
  audioKbps: number;
}

export interface BitrateDecision {
  targetKbps: number;
  /** The target changed in this step. */
  changed: boolean;
  /** Drop queued and new video frames until a keyframe. */
  dropVideo: boolean;
  /** Even min-bitrate does not fit (the 1101 condition). */
  netBusy: boolean;
  queueDelayMs: number;
  throughputKbps: number;
}

const INCREASE_INTERVAL_MS = 1000;
const INCREASE_FACTOR = 1.08;
/** Increase factor once the target is 10% past the video rate of the last congestion. */
const FAST_INCREASE_FACTOR = 1.15;
const INCREASE_MIN_STEP_KBPS = 30;
const DECREASE_HOLD_MS = 600;
const QUIET_DELAY_MS = 60;
/** The 1101 condition is judged on the rate drained over this long: a socket drains in bursts. */
const BUSY_WINDOW_MS = 1000;
/** A blocked-then-released cycle of the socket behind a full bottleneck queue lasts up to this long. */
const DRAIN_CYCLE_MS = 3000;

interface DrainPoint {
  nowMs: number;
  drainedBytes: number;
  waiting: boolean;
}

export class BitrateController {
  #min: number;
  #max: number;
  readonly #congestedDelayMs: number;
  readonly #dropDelayMs: number;
  #target: number;
  #lastSample: BitrateSample | undefined;
  #throughputKbps: number | undefined;
  #lastDecreaseMs = Number.NEGATIVE_INFINITY;
  #lastIncreaseMs = Number.NEGATIVE_INFINITY;
  #quietSinceMs: number | undefined;
  #busySinceMs: number | undefined;
  /** Video share of the throughput measured at the last decrease (undefined: no congestion seen yet). */
  #congestedVideoKbps: number | undefined;
  /** Bytes drained by the network so far, per step, over the last DRAIN_CYCLE_MS (and one step before). */
  #drainHistory: DrainPoint[] = [];

  constructor(options: BitrateControllerOptions) {
    this.#min = options.minKbps;
    this.#max = options.maxKbps;
    this.#congestedDelayMs = options.congestedDelayMs;
    this.#dropDelayMs = options.dropDelayMs;
    this.#target = clamp(options.initialKbps ?? options.maxKbps, this.#min, this.#max);
  }

  get targetKbps(): number {
    return this.#target;
  }

  get throughputKbps(): number {
    return this.#throughputKbps ?? 0;
  }

  /** New bounds (attributes changed while pushing); the target is clamped into them at once. */
  setBounds(minKbps: number, maxKbps: number): boolean {
    this.#min = minKbps;
    this.#max = maxKbps;
    const clamped = clamp(this.#target, minKbps, maxKbps);
    const changed = clamped !== this.#target;
    this.#target = clamped;
    return changed;
  }

  /** Forget measurements (a new connection): the target is kept. */
  resetMeasurements(): void {
    this.#lastSample = undefined;
    this.#throughputKbps = undefined;
    this.#quietSinceMs = undefined;
    this.#busySinceMs = undefined;
    this.#congestedVideoKbps = undefined;
    this.#drainHistory = [];
  }

  update(sample: BitrateSample): BitrateDecision {
    const prev = this.#lastSample;
    this.#lastSample = sample;
    const backlog = sample.socketBacklogBytes + sample.appBacklogBytes;
    // What the link drained in this step while data was waiting: its capacity right now.
    let saturatedKbps: number | undefined;
    if (prev && sample.nowMs > prev.nowMs) {
      const drained =
        sample.bytesHandedToSocket -
        sample.socketBacklogBytes -
        (prev.bytesHandedToSocket - prev.socketBacklogBytes);
      const kbps = (drained * 8) / (sample.nowMs - prev.nowMs);
      // Only a measurement taken while data was waiting tells the capacity; an idle link says little.
      if (prev.socketBacklogBytes + prev.appBacklogBytes > 0) saturatedKbps = kbps;
      if (prev.socketBacklogBytes + prev.appBacklogBytes > 0 || this.#throughputKbps === undefined) {
        this.#throughputKbps =
          this.#throughputKbps === undefined ? kbps : 0.6 * this.#throughputKbps + 0.4 * kbps;
      } else {
        this.#throughputKbps = Math.max(this.#throughputKbps, kbps);
      }
    }
    const throughput = this.#throughputKbps ?? this.#target + sample.audioKbps;
    const windowKbps = this.#drainedOverWindow(sample, prev);
    const queueDelayMs = backlog === 0 ? 0 : (backlog * 8) / Math.max(throughput, 1);
    const before = this.#target;
    const now = sample.nowMs;

    if (queueDelayMs > this.#congestedDelayMs) {
      this.#quietSinceMs = undefined;
      if (now - this.#lastDecreaseMs >= DECREASE_HOLD_MS) {
        // A cut aims at what the link drained over the last second, when that is lower than the step average:
        // behind a deep bottleneck queue the socket is released in bursts (blocked, then half a queue at
        // once), which the per-step average overstates (campaign seed 1 run 79: 1,300 kbit/s on a 1,000 link).
        const drainedKbps = this.#drainedOverLastSecond();
        const videoShare = Math.max(0, Math.min(throughput, drainedKbps ?? throughput) - sample.audioKbps);
        // Drain the backlog too: aim below the measured rate, deeper when the queue is long.
        const factor = queueDelayMs > 4 * this.#congestedDelayMs ? 0.7 : 0.85;
        const cut = clamp(Math.min(this.#target * 0.85, videoShare * factor), this.#min, this.#max);
        // Remember where congestion began (a real cut only: a queue draining at the floor says nothing),
        // at the rate the link actually drained then, not the slower moving average.
        if (cut < this.#target)
          this.#congestedVideoKbps = Math.min(
            this.#target,
            Math.max(0, (saturatedKbps ?? throughput) - sample.audioKbps),
          );
        this.#target = cut;
        this.#lastDecreaseMs = now;
      }
    } else if (queueDelayMs <= QUIET_DELAY_MS) {
      this.#quietSinceMs ??= now;
      if (
        this.#target < this.#max &&
        now - this.#quietSinceMs >= INCREASE_INTERVAL_MS &&
        now - this.#lastIncreaseMs >= INCREASE_INTERVAL_MS &&
        now - this.#lastDecreaseMs >= 2 * INCREASE_INTERVAL_MS
      ) {
        const beyond =
          this.#congestedVideoKbps === undefined || this.#target > 1.1 * this.#congestedVideoKbps;
        const factor = beyond ? FAST_INCREASE_FACTOR : INCREASE_FACTOR;
        const step = Math.max(this.#target * (factor - 1), INCREASE_MIN_STEP_KBPS);
        this.#target = clamp(this.#target + step, this.#min, this.#max);
        this.#lastIncreaseMs = now;
      }
    } else {
      this.#quietSinceMs = undefined;
    }

    const atFloor = this.#target <= this.#min;
    // Busy only when the link cannot carry the floor (docs/spec.md events/net-busy/1 and /3): a long queue
    // at the floor on a link that carries min-bitrate is still draining, not a poor network. Judged on the
    // rate drained over the last second while data waited: per step, a socket drains in bursts (nothing in
    // one step, twice as much in the next), so a per-step rate flips around the floor and never holds 1 s.
    const busyNow =
      atFloor &&
      (windowKbps !== undefined
        ? windowKbps < this.#min + sample.audioKbps
        : throughput < this.#min + sample.audioKbps);
    if (busyNow) this.#busySinceMs ??= now;
    else this.#busySinceMs = undefined;
    const netBusy = this.#busySinceMs !== undefined && now - this.#busySinceMs >= 1000;

    this.#target = Math.round(this.#target);
    return {
      targetKbps: this.#target,
      changed: this.#target !== Math.round(before),
      dropVideo: queueDelayMs > this.#dropDelayMs,
      netBusy,
      queueDelayMs: Math.round(queueDelayMs),
      throughputKbps: Math.round(throughput),
    };
  }

  /**
   * What the socket drained recently, kbit/s, waiting or not: the last BUSY_WINDOW_MS, or the last
   * DRAIN_CYCLE_MS when that second was a blocked phase; undefined before a full BUSY_WINDOW_MS. The longer
   * window covers a whole blocked-then-released cycle: behind a full bottleneck queue the socket can take
   * nothing for a second while the link still drains at capacity (attributes/invalid-values: 0 kbit/s over
   * one second of a 4,000 kbit/s link cut the target to the floor).
   */
  #drainedOverLastSecond(): number | undefined {
    const h = this.#drainHistory;
    if (h.length < 2) return undefined;
    const first = h[this.#secondStart()];
    const last = h[h.length - 1];
    const span = last.nowMs - first.nowMs;
    if (span < BUSY_WINDOW_MS) return undefined;
    const second = ((last.drainedBytes - first.drainedBytes) * 8) / span;
    const cycleSpan = last.nowMs - h[0].nowMs;
    const cycle = cycleSpan > span ? ((last.drainedBytes - h[0].drainedBytes) * 8) / cycleSpan : 0;
    // A second that drained far less than the whole cycle is a blocked phase, not the link's rate; otherwise
    // the last second is the better measure (capacity may just have dropped: campaign seed 1 run 330).
    return second >= 0.25 * cycle ? second : cycle;
  }

  /** Index of the point that starts the last BUSY_WINDOW_MS: the last one at or before its start. */
  #secondStart(): number {
    const h = this.#drainHistory;
    const from = h[h.length - 1].nowMs - BUSY_WINDOW_MS;
    let i = 0;
    while (i < h.length - 2 && h[i + 1].nowMs <= from) i++;
    return i;
  }

  #drainedOverWindow(sample: BitrateSample, prev: BitrateSample | undefined): number | undefined {
    const h = this.#drainHistory;
    h.push({
      nowMs: sample.nowMs,
      drainedBytes: sample.bytesHandedToSocket - sample.socketBacklogBytes,
      waiting: prev !== undefined && prev.socketBacklogBytes + prev.appBacklogBytes > 0,
    });
    while (h.length > 2 && h[1].nowMs <= sample.nowMs - DRAIN_CYCLE_MS) h.shift();
    const start = this.#secondStart();
    const first = h[start];
    const span = sample.nowMs - first.nowMs;
    if (span < BUSY_WINDOW_MS) return undefined;
    const steps = h.slice(start + 1);
    if (steps.filter((x) => x.waiting).length * 2 < steps.length) return undefined;
    return ((h[h.length - 1].drainedBytes - first.drainedBytes) * 8) / span;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
