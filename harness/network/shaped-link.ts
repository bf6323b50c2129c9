import type { Micros, Rng, ScheduledEvent, Scheduler, TraceRecorder } from '../sim/index.js';
import { CapacityCurve, type CapacityOverride, type CapacitySpec } from './capacity-curve.js';
import { MAHIMAHI_PACKET_BYTES } from './mahimahi.js';
import { NetworkError } from './network-error.js';

/** Extra one-way delay (toxiproxy `latency`) for bytes leaving the bottleneck in [fromUs, untilUs). */
export interface LatencyWindow {
  readonly fromUs: Micros;
  /** May be Infinity. */
  readonly untilUs: Micros;
  readonly latencyUs: Micros;
  /** Added uniformly in [-jitterUs, +jitterUs]. */
  readonly jitterUs: Micros;
}

export interface ShapedLinkOptions {
  /** Name in the trace, e.g. "uplink". */
  name: string;
  capacity: CapacitySpec;
  /** Outages and bandwidth toxics. */
  overrides?: readonly CapacityOverride[];
  /** One-way propagation delay, µs. Default 0. */
  delayUs?: Micros;
  /** Uniform jitter amplitude, µs: each chunk gets delay + U[-jitter, +jitter] (never below 0). Default 0. */
  jitterUs?: Micros;
  latency?: readonly LatencyWindow[];
  /** Bottleneck queue limit in bytes (backlog not yet transmitted). Default 1 MiB; Infinity = none. */
  queueLimitBytes?: number;
  /** Bottleneck queue limit as time to drain the backlog, µs. Default Infinity (none). */
  queueLimitUs?: Micros;
  /**
   * Low-water mark, as a fraction of the limits: a stalled sender is released once the backlog is back
   * under this share of them (Linux wakes a blocked writer once half its send buffer is free, likewise).
   * Default 0.5. 1 = release as soon as the queue is under the limit.
   */
  drainFraction?: number;
  /**
   * Chunks longer than what the link transmits in this many µs are cut (by reference, `subarray`) into
   * pieces of whole 1500-byte packets, so a large write arrives progressively as over TCP. Default 10 ms;
   * 0 disables it (whole chunks only).
   */
  maxBurstUs?: Micros;
  /** Source of jitter draws (fork it, e.g. `rng.fork('network/uplink/jitter')`). Required if jitter > 0. */
  rng?: Rng;
  /** Where the shaper log goes (see docs/network.md "Shaper log"). */
  trace?: TraceRecorder;
  /**
   * Aggregate `net.send` / `net.deliver` records per connection over windows of this many µs (one
   * record of each kind per window with activity, written at the window's end). 0 (default) = one
   * record per write and per delivery batch. Stalls, drains, drops and FINs are always immediate.
   */
  logQuantumUs?: Micros;
}

/** What a link needs from a channel sending through it. */
export interface LinkSender {
  /** The link's queue fell back under its limits. */
  linkDrained(): void;
}

/**
 * One direction of the access link: a bottleneck with scripted capacity, a queue limited in bytes
 * and/or time, propagation delay and jitter. Shared by every connection in that direction (a reconnect
 * goes through the same link). It computes each chunk's departure arithmetically when the chunk is
 * sent (the whole capacity program is known in advance), so no event runs per byte or per packet;
 * `ShapedChannel` turns departures into deliveries.
 */
export class ShapedLink {
  readonly name: string;
  readonly curve: CapacityCurve;
  readonly queueLimitBytes: number;
  readonly queueLimitUs: Micros;
  readonly drainFraction: number;
  readonly trace: TraceRecorder | undefined;
  readonly logQuantumUs: Micros;
  readonly #scheduler: Scheduler;
  readonly #delay: Micros;
  readonly #jitter: Micros;
  readonly #latency: readonly LatencyWindow[];
  readonly #maxBurstUs: Micros;
  readonly #rng: Rng | undefined;
  /** Work position (bytes on the curve's scale) of the last queued byte. */
  #work = 0;
  /** Departure time of the last queued byte. */
  #lastDepart: Micros = 0;
  #lastSender: LinkSender | undefined;
  #runWork = 0;
  #runDepart: Micros = 0;
  readonly #blocked = new Set<LinkSender>();
  #drainEvent: ScheduledEvent | undefined;

  constructor(scheduler: Scheduler, options: ShapedLinkOptions) {
    this.#scheduler = scheduler;
    this.name = options.name;
    this.curve = new CapacityCurve(options.capacity, options.overrides ?? []);
    this.#delay = options.delayUs ?? 0;
    this.#jitter = options.jitterUs ?? 0;
    this.#latency = options.latency ?? [];
    this.queueLimitBytes = options.queueLimitBytes ?? 1024 * 1024;
    this.queueLimitUs = options.queueLimitUs ?? Infinity;
    this.drainFraction = options.drainFraction ?? 0.5;
    if (!(this.drainFraction > 0 && this.drainFraction <= 1)) {
      throw new NetworkError(
        'INVALID_ARGUMENT',
        `Invalid drainFraction for link "${options.name}": ${this.drainFraction} (expected 0 < f <= 1)`,
        {
          drainFraction: this.drainFraction,
        },
      );
    }
    this.#maxBurstUs = options.maxBurstUs ?? 10_000;
    this.#rng = options.rng;
    this.trace = options.trace;
    this.logQuantumUs = options.logQuantumUs ?? 0;
    for (const [field, v] of [
      ['logQuantumUs', this.logQuantumUs],
      ['delayUs', this.#delay],
      ['jitterUs', this.#jitter],
      ['maxBurstUs', this.#maxBurstUs],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new NetworkError(
          'INVALID_ARGUMENT',
          `Invalid ${field} for link "${this.name}": ${v} (expected an integer µs >= 0)`,
          {
            field,
            value: v,
          },
        );
      }
    }
    if (!(this.queueLimitBytes > 0) || !(this.queueLimitUs > 0)) {
      throw new NetworkError(
        'INVALID_ARGUMENT',
        `Invalid queue limit for link "${this.name}": ${this.queueLimitBytes} bytes, ${this.queueLimitUs} µs (expected > 0)`,
        { queueLimitBytes: this.queueLimitBytes, queueLimitUs: this.queueLimitUs },
      );
    }
    const jitterAnywhere = this.#jitter > 0 || this.#latency.some((w) => w.jitterUs > 0);
    if (jitterAnywhere && !this.#rng) {
      throw new NetworkError(
        'INVALID_ARGUMENT',
        `Link "${this.name}" has jitter but no rng to draw it from`,
        {},
      );
    }
  }

  /**
   * Serialise `bytes` arriving now; returns their departure time from the bottleneck (µs, Infinity if
   * the link never carries them, e.g. down for good).
   */
  enqueue(bytes: number, sender: LinkSender): Micros {
    if (sender !== this.#lastSender) {
      this.#lastSender = sender;
      this.#runWork = this.#work;
      this.#runDepart = this.#lastDepart;
    }
    const d = this.curve.serve(this.#work, this.#scheduler.now, bytes);
    this.#work = this.curve.servedWork;
    if (d > this.#lastDepart) this.#lastDepart = d;
    return d;
  }

  /**
   * A sender's undelivered bytes were discarded (reset). If nobody else sent since its current run of
   * sends began, the capacity its unsent bytes had reserved is given back: the link is idle from now
   * (or from the end of the backlog queued before that run).
   */
  rollback(sender: LinkSender): void {
    this.#blocked.delete(sender);
    if (sender !== this.#lastSender) return;
    const now = this.#scheduler.now;
    this.#work = Math.max(this.#runWork, this.curve.cumulativeBefore(now));
    this.#lastDepart = Math.max(this.#runDepart, now);
    this.#lastSender = undefined;
  }

  /** One-way delay for bytes leaving the bottleneck at `d`: delay + latency toxics + jitter (>= 0). */
  propagation(d: Micros): Micros {
    let delay = this.#delay;
    let jitter = this.#jitter;
    for (const w of this.#latency) {
      if (w.fromUs <= d && d < w.untilUs) {
        delay += w.latencyUs;
        jitter += w.jitterUs;
      }
    }
    if (jitter > 0) delay += this.#rng!.int(-jitter, jitter);
    return Math.max(delay, 0);
  }

  /** One-way delay at `t` without jitter (for FINs and connection set-up). */
  baseDelayAt(t: Micros): Micros {
    let delay = this.#delay;
    for (const w of this.#latency) if (w.fromUs <= t && t < w.untilUs) delay += w.latencyUs;
    return delay;
  }

  /** Largest piece (bytes, whole packets) a chunk sent now is cut into; Infinity = no cutting. */
  burstBytes(): number {
    if (this.#maxBurstUs === 0) return Infinity;
    const now = this.#scheduler.now;
    const at = this.#lastDepart > now && this.#lastDepart !== Infinity ? this.#lastDepart : now;
    const kbps = this.curve.kbpsAt(at);
    if (kbps === null || kbps === 0) return Infinity;
    const bytes = (kbps * this.#maxBurstUs) / 8000;
    return Math.max(1, Math.floor(bytes / MAHIMAHI_PACKET_BYTES)) * MAHIMAHI_PACKET_BYTES;
  }

  /** Backlog not yet transmitted, bytes (on the fluid scale: a half-sent chunk counts half). */
  backlogBytes(): number {
    const b = this.#work - this.curve.cumulative(this.#scheduler.now);
    return b > 0 ? Math.round(b) : 0;
  }

  /** Time until the backlog is transmitted, µs (Infinity when it never will be). */
  backlogUs(): Micros {
    const b = this.#lastDepart - this.#scheduler.now;
    return Math.max(b, 0);
  }

  /** True when the queue is over either limit: senders see back-pressure. */
  overLimit(): boolean {
    return this.backlogBytes() > this.queueLimitBytes || this.backlogUs() > this.queueLimitUs;
  }

  /** True once the backlog is back under the low-water mark (drainFraction of each limit). */
  drained(): boolean {
    const f = this.drainFraction;
    return this.backlogBytes() <= this.queueLimitBytes * f && this.backlogUs() <= this.queueLimitUs * f;
  }

  /** Register a sender to be told when the queue falls back under its low-water mark. */
  block(sender: LinkSender): void {
    this.#blocked.add(sender);
    this.#armDrain();
  }

  unblock(sender: LinkSender): void {
    this.#blocked.delete(sender);
  }

  #armDrain(): void {
    if (this.#drainEvent && !this.#drainEvent.cancelled) return;
    const now = this.#scheduler.now;
    let at = now;
    const f = this.drainFraction;
    if (this.queueLimitBytes !== Infinity) {
      at = Math.max(at, this.curve.timeOfWork(this.#work - this.queueLimitBytes * f, now));
    }
    if (this.queueLimitUs !== Infinity) at = Math.max(at, this.#lastDepart - this.queueLimitUs * f);
    if (at === Infinity) return;
    this.#drainEvent = this.#scheduler.at(Math.ceil(at), () => this.#onDrainTime(), `${this.name}:drain`);
  }

  #onDrainTime(): void {
    this.#drainEvent = undefined;
    if (this.#blocked.size === 0) return;
    if (!this.drained()) {
      this.#armDrain();
      return;
    }
    const waiting = [...this.#blocked];
    this.#blocked.clear();
    for (const s of waiting) s.linkDrained();
  }

  /** Queue depth fields of the shaper log. */
  queueFields(): { queueBytes: number; queueMs: number | null } {
    const us = this.backlogUs();
    return { queueBytes: this.backlogBytes(), queueMs: us === Infinity ? null : us / 1000 };
  }
}
