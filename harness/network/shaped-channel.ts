import {
  type Channel,
  type ChannelSink,
  type Micros,
  type Rng,
  type ScheduledEvent,
  type Scheduler,
  SimError,
} from '../sim/index.js';
import type { LinkSender, ShapedLink } from './shaped-link.js';

/** toxiproxy's `slicer`: cut data into pieces of averageSize ± sizeVariation bytes, `delayUs` apart. */
export interface SlicerSettings {
  averageSize: number;
  sizeVariation: number;
  delayUs: Micros;
  rng: Rng;
}

export interface ShapedChannelOptions {
  /** Connection id in the shaper log. Default 0. */
  conn?: number;
  /** Label of scheduler events (runaway reports). Default "<link>:<conn>". */
  label?: string;
}

/**
 * One direction of one connection through a `ShapedLink` (implements the kernel's `Channel`).
 * Guarantees: bytes are delivered in order and never lost (unless the connection is aborted); each
 * chunk arrives at max(previous arrival, departure + delay + jitter), so jitter never reorders; chunks
 * are passed by reference (cut with `subarray` only for `maxBurstUs`, `slicer` or a byte limit); one
 * scheduler event per distinct arrival instant, however many chunks arrive at it.
 * Connection faults drive it through `hold`/`release` (toxiproxy `timeout`), `freeze` (half-open),
 * `cutAfter` (limit_data, reset after N bytes), `setSlicer` and `finDelayUs` (slow_close).
 */
export class ShapedChannel implements Channel, LinkSender {
  readonly link: ShapedLink;
  readonly conn: number;
  readonly #scheduler: Scheduler;
  readonly #label: string;
  #sink: ChannelSink | undefined;
  // Delivery FIFO: parallel arrays with a moving head (compacted now and then).
  #chunks: Uint8Array[] = [];
  #times: number[] = [];
  #head = 0;
  #event: ScheduledEvent | undefined;
  #lastArrival: Micros = 0;
  #queued = 0;
  #held: Uint8Array[] | undefined;
  #heldBytes = 0;
  #frozen = false;
  #ended = false;
  #finScheduled = false;
  #finPending = false;
  #finDone = false;
  #aborted = false;
  #netClosed = false;
  #blocked = false;
  #blockedSince: Micros = 0;
  #delivered = 0;
  #cutAt = Infinity;
  #onCut: (() => void) | undefined;
  #slicer: SlicerSettings | undefined;
  #slicerFree: Micros = 0;
  #logFlushArmed = false;
  #logSendBytes = 0;
  #logSendWrites = 0;
  #logDeliverBytes = 0;
  #logDeliverBatches = 0;
  #logFrom: Micros = 0;
  #logTo: Micros = 0;
  /** toxiproxy `slow_close`: the FIN arrives this many µs late. */
  finDelayUs: Micros = 0;
  onDrain: (() => void) | undefined;

  constructor(scheduler: Scheduler, link: ShapedLink, options: ShapedChannelOptions = {}) {
    this.#scheduler = scheduler;
    this.link = link;
    this.conn = options.conn ?? 0;
    this.#label = options.label ?? `${link.name}:${this.conn}`;
  }

  attach(sink: ChannelSink): void {
    this.#sink = sink;
  }

  /** Bytes accepted but not yet delivered (held, queued at the bottleneck or propagating). */
  get queuedBytes(): number {
    return this.#queued;
  }

  /** Bytes delivered to the sink so far. */
  get deliveredBytes(): number {
    return this.#delivered;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  send(chunk: Uint8Array): boolean {
    if (this.#aborted) return false;
    if (this.#netClosed) return true;
    if (this.#ended) {
      throw new SimError(
        'SOCKET_STATE',
        `Cannot send ${chunk.byteLength} bytes on "${this.#label}" after end()`,
        {
          label: this.#label,
        },
      );
    }
    const len = chunk.byteLength;
    if (len === 0) return !this.#blocked;
    this.#queued += len;
    if (this.#held) {
      this.#held.push(chunk);
      this.#heldBytes += len;
    } else {
      this.#admit(chunk);
    }
    const trace = this.link.trace;
    if (trace) {
      if (this.link.logQuantumUs === 0) {
        const q = this.link.queueFields();
        trace.record('net.send', {
          link: this.link.name,
          conn: this.conn,
          bytes: len,
          queueBytes: q.queueBytes,
          queueMs: q.queueMs,
        });
      } else {
        this.#logSendBytes += len;
        this.#logSendWrites++;
        this.#armLogFlush();
      }
    }
    if (!this.#blocked && this.#overLimit()) {
      this.#blocked = true;
      this.#blockedSince = this.#scheduler.now;
      if (trace)
        trace.record('net.stall', { link: this.link.name, conn: this.conn, ...this.link.queueFields() });
      if (this.link.overLimit()) this.link.block(this);
    }
    return !this.#blocked;
  }

  end(): void {
    if (this.#ended || this.#aborted) return;
    this.#ended = true;
    if (!this.#held) this.#scheduleFin();
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#scheduler.cancel(this.#event);
    this.#event = undefined;
    if (this.#queued > 0 && this.link.trace) {
      this.link.trace.record('net.drop', {
        link: this.link.name,
        conn: this.conn,
        bytes: this.#queued,
        reason: 'abort',
      });
    }
    this.link.rollback(this);
    this.#queued = 0;
    this.#chunks = [];
    this.#times = [];
    this.#head = 0;
    this.#held = undefined;
    this.#heldBytes = 0;
  }

  // ---- fault controls ---------------------------------------------------------------------------
  /**
   * The network closes this direction (toxiproxy closing a connection, a server closing): later sends are
   * discarded without error, a blocked sender is released, and the receiver gets its FIN after the bytes
   * already accepted ('flush') or at once, the undelivered bytes dropped ('drop').
   */
  closeByNetwork(mode: 'flush' | 'drop', reason = 'close'): void {
    if (this.#aborted || this.#netClosed) return;
    if (mode === 'flush') {
      // A frozen (half-open) direction stays silent: release() does nothing and no FIN ever arrives.
      this.release();
      this.#netClosed = true;
      this.#ended = true;
      this.#scheduleFin();
    } else {
      this.#netClosed = true;
      this.#scheduler.cancel(this.#event);
      this.#event = undefined;
      if (this.#queued > 0 && this.link.trace) {
        this.link.trace.record('net.drop', {
          link: this.link.name,
          conn: this.conn,
          bytes: this.#queued,
          reason,
        });
      }
      this.link.rollback(this);
      this.#queued = 0;
      this.#chunks = [];
      this.#times = [];
      this.#head = 0;
      this.#held = undefined;
      this.#heldBytes = 0;
      this.#frozen = false;
      this.#finScheduled = true;
      this.#scheduler.after(0, () => this.#deliverFin(), `${this.#label}:fin`);
    }
    if (this.#blocked) {
      this.#blocked = false;
      this.link.unblock(this);
      this.onDrain?.();
    }
  }

  /** Stop admitting bytes to the link (toxiproxy `timeout`): later sends wait here, counted as queued. */
  hold(): void {
    if (!this.#held && !this.#aborted) this.#held = [];
  }

  /** Admit the held bytes, in order, from now. */
  release(): void {
    const held = this.#held;
    if (!held || this.#frozen || this.#aborted) return;
    this.#held = undefined;
    this.#heldBytes = 0;
    for (const c of held) this.#admit(c);
    if (this.#ended) this.#scheduleFin();
    this.#recheckBlocked();
  }

  /** The peer goes silent for good (half-open): nothing more is delivered, sends pile up and stall. */
  freeze(): void {
    if (this.#aborted) return;
    this.#frozen = true;
    this.hold();
    this.#scheduler.cancel(this.#event);
    this.#event = undefined;
  }

  /**
   * Deliver at most `totalBytes` in all (counted from the start of the connection), then call
   * `onReached` at the instant the last of them arrives. The chunk that crosses the limit is cut.
   */
  cutAfter(totalBytes: number, onReached: () => void): void {
    this.#cutAt = totalBytes;
    this.#onCut = onReached;
    if (this.#delivered >= totalBytes) this.#scheduler.after(0, () => this.#fireCut(), `${this.#label}:cut`);
  }

  /** Remove a limit set by `cutAfter`. */
  clearCut(): void {
    this.#cutAt = Infinity;
    this.#onCut = undefined;
  }

  setSlicer(settings: SlicerSettings | undefined): void {
    this.#slicer = settings;
  }

  // ---- LinkSender --------------------------------------------------------------------------------
  linkDrained(): void {
    this.#recheckBlocked();
  }

  // ---- internals --------------------------------------------------------------------------------
  #overLimit(): boolean {
    return this.link.overLimit() || this.#heldBytes > this.link.queueLimitBytes;
  }

  #recheckBlocked(): void {
    if (!this.#blocked || this.#aborted) return;
    if (!this.link.drained()) {
      this.link.block(this);
      return;
    }
    if (this.#heldBytes > this.link.queueLimitBytes * this.link.drainFraction) return;
    this.#blocked = false;
    const trace = this.link.trace;
    if (trace) {
      trace.record('net.drain', {
        link: this.link.name,
        conn: this.conn,
        stalledUs: this.#scheduler.now - this.#blockedSince,
      });
    }
    this.onDrain?.();
  }

  #admit(chunk: Uint8Array): void {
    const len = chunk.byteLength;
    const piece = this.link.burstBytes();
    if (len <= piece) {
      this.#admitPiece(chunk);
      return;
    }
    for (let off = 0; off < len; off += piece)
      this.#admitPiece(chunk.subarray(off, Math.min(len, off + piece)));
  }

  #admitPiece(chunk: Uint8Array): void {
    const d = this.link.enqueue(chunk.byteLength, this);
    let a = d === Infinity ? Infinity : d + this.link.propagation(d);
    if (a < this.#lastArrival) a = this.#lastArrival;
    const slicer = this.#slicer;
    if (slicer && a !== Infinity) {
      let t = Math.max(a, this.#slicerFree);
      const len = chunk.byteLength;
      let off = 0;
      while (off < len) {
        const v = slicer.sizeVariation > 0 ? slicer.rng.int(-slicer.sizeVariation, slicer.sizeVariation) : 0;
        const size = Math.max(1, slicer.averageSize + v);
        const end = Math.min(len, off + size);
        this.#push(off === 0 && end === len ? chunk : chunk.subarray(off, end), t);
        off = end;
        if (off < len) t += slicer.delayUs;
      }
      this.#slicerFree = t + slicer.delayUs;
      this.#lastArrival = t;
      return;
    }
    this.#push(chunk, a);
    this.#lastArrival = a;
  }

  #push(chunk: Uint8Array, at: Micros): void {
    this.#chunks.push(chunk);
    this.#times.push(at);
    if (
      this.#event === undefined &&
      !this.#frozen &&
      at !== Infinity &&
      this.#chunks.length - this.#head === 1
    ) {
      this.#event = this.#scheduler.at(at, () => this.#fire(), this.#label);
    }
  }

  #fire(): void {
    this.#event = undefined;
    if (this.#aborted || this.#frozen) return;
    const now = this.#scheduler.now;
    const chunks = this.#chunks;
    const times = this.#times;
    let i = this.#head;
    let bytes = 0;
    let cut = false;
    const sink = this.#sink;
    while (i < chunks.length && times[i] <= now) {
      let c = chunks[i];
      const room = this.#cutAt - this.#delivered;
      if (c.byteLength >= room) {
        if (c.byteLength > room) c = c.subarray(0, room);
        cut = true;
      }
      i++;
      this.#delivered += c.byteLength;
      this.#queued -= chunks[i - 1].byteLength;
      bytes += c.byteLength;
      if (c.byteLength > 0) sink?.deliver(c);
      if (cut || this.#aborted) break;
    }
    this.#head = i;
    if (i > 1024 && i * 2 > chunks.length) {
      this.#chunks = chunks.slice(i);
      this.#times = times.slice(i);
      this.#head = 0;
    }
    const trace = this.link.trace;
    if (trace && bytes > 0) {
      if (this.link.logQuantumUs === 0) {
        const q = this.link.queueFields();
        trace.record('net.deliver', {
          link: this.link.name,
          conn: this.conn,
          bytes,
          kbps: this.link.curve.kbpsAt(now),
          queueBytes: q.queueBytes,
          queueMs: q.queueMs,
        });
      } else {
        if (this.#logDeliverBatches === 0) this.#logFrom = now;
        this.#logTo = now;
        this.#logDeliverBytes += bytes;
        this.#logDeliverBatches++;
        this.#armLogFlush();
      }
    }
    if (cut) {
      this.#fireCut();
      return;
    }
    if (this.#aborted) return;
    if (this.#head < this.#chunks.length) {
      const next = this.#times[this.#head];
      if (next !== Infinity) this.#event = this.#scheduler.at(next, () => this.#fire(), this.#label);
    } else if (this.#finPending) {
      this.#deliverFin();
    }
    this.#recheckBlocked();
  }

  /** One flush per log window with activity: the compact shaper log (docs/network.md "Shaper log"). */
  #armLogFlush(): void {
    if (this.#logFlushArmed) return;
    this.#logFlushArmed = true;
    const q = this.link.logQuantumUs;
    const end = (Math.floor(this.#scheduler.now / q) + 1) * q;
    this.#scheduler.at(end, () => this.#flushLog(end - q, end), `${this.#label}:log`);
  }

  #flushLog(fromUs: Micros, toUs: Micros): void {
    this.#logFlushArmed = false;
    const trace = this.link.trace;
    if (!trace) return;
    const q = this.link.queueFields();
    if (this.#logSendWrites > 0) {
      trace.record('net.send', {
        link: this.link.name,
        conn: this.conn,
        bytes: this.#logSendBytes,
        writes: this.#logSendWrites,
        windowUs: fromUs,
        queueBytes: q.queueBytes,
        queueMs: q.queueMs,
      });
    }
    if (this.#logDeliverBatches > 0) {
      trace.record('net.deliver', {
        link: this.link.name,
        conn: this.conn,
        bytes: this.#logDeliverBytes,
        batches: this.#logDeliverBatches,
        fromUs: this.#logFrom,
        toUs: this.#logTo,
        kbps: this.link.curve.meanKbps(fromUs, toUs),
        queueBytes: q.queueBytes,
        queueMs: q.queueMs,
      });
    }
    this.#logSendBytes = 0;
    this.#logSendWrites = 0;
    this.#logDeliverBytes = 0;
    this.#logDeliverBatches = 0;
  }

  #fireCut(): void {
    const cb = this.#onCut;
    this.#onCut = undefined;
    this.#cutAt = Infinity;
    cb?.();
  }

  #scheduleFin(): void {
    if (this.#finScheduled) return;
    this.#finScheduled = true;
    const now = this.#scheduler.now;
    const at = Math.max(this.#lastArrival, now + this.link.baseDelayAt(now)) + this.finDelayUs;
    if (at === Infinity) return;
    this.#scheduler.at(
      at,
      () => {
        if (this.#aborted || this.#frozen) return;
        if (this.#head < this.#chunks.length) this.#finPending = true;
        else this.#deliverFin();
      },
      `${this.#label}:fin`,
    );
  }

  #deliverFin(): void {
    if (this.#finDone || this.#aborted) return;
    this.#finDone = true;
    this.#finPending = false;
    if (this.link.trace) this.link.trace.record('net.fin', { link: this.link.name, conn: this.conn });
    this.#sink?.fin();
  }
}
