import type { Micros, Scheduler } from './scheduler.js';
import { assertMicros, SimError } from './sim-error.js';

/** The receiving end of one direction of a connection (implemented by the receiving socket). */
export interface ChannelSink {
  /** Bytes arrive. Called only from a scheduler callback, never inside the sender's `send`. */
  deliver(chunk: Uint8Array): void;
  /** The sender's FIN arrives, after every byte sent before it. */
  fin(): void;
}

/**
 * One direction of a byte stream between two simulated sockets. The network shaper implements this with
 * capacity, delay, jitter and faults; `DirectChannel` below is the plain version. Bytes are never lost or
 * reordered (TCP semantics): congestion appears as back-pressure and delay.
 */
export interface Channel {
  /** Attach the receiver. Must be called once before any delivery. */
  attach(sink: ChannelSink): void;
  /**
   * Hand bytes to the link. Returns false when the link's queue is over its limit: the sender must wait
   * for `onDrain` before it counts on more being accepted (the bytes given are still accepted).
   * The chunk is passed by reference; the caller must not mutate it afterwards.
   */
  send(chunk: Uint8Array): boolean;
  /** Close the sending half: the sink's `fin` follows the bytes already queued. */
  end(): void;
  /** Tear down: queued bytes are discarded and nothing more is delivered. */
  abort(): void;
  /** Bytes accepted but not yet delivered. */
  readonly queuedBytes: number;
  /** Called when the queue falls back under its limit after `send` returned false. */
  onDrain: (() => void) | undefined;
}

export interface DirectChannelOptions {
  /** One-way delay in µs. Default 0: delivered at the same instant, but from a later scheduler callback. */
  delayUs?: Micros;
  /** Queue limit in bytes before `send` returns false. Default 256 KiB. */
  queueLimitBytes?: number;
  /** Label of the scheduler events, for runaway reports. */
  label?: string;
}

/**
 * A lossless channel with a fixed delay and a byte-limited queue, no capacity limit. Sends at the same
 * instant are coalesced into one delivery event (cheaper, same byte order); each chunk is handed over as
 * it was written: joining them cost an allocation and a copy per batch, more than the receiver saved.
 */
export class DirectChannel implements Channel {
  readonly #scheduler: Scheduler;
  readonly #delay: Micros;
  readonly #limit: number;
  readonly #label: string;
  #sink: ChannelSink | undefined;
  #queued = 0;
  #blocked = false;
  #ended = false;
  #aborted = false;
  #batchAt = -1;
  #batch: Uint8Array[] | undefined;
  onDrain: (() => void) | undefined;

  constructor(scheduler: Scheduler, options: DirectChannelOptions = {}) {
    this.#scheduler = scheduler;
    this.#delay = options.delayUs ?? 0;
    assertMicros('delayUs', this.#delay);
    this.#limit = options.queueLimitBytes ?? 256 * 1024;
    if (!Number.isInteger(this.#limit) || this.#limit <= 0) {
      throw new SimError(
        'INVALID_ARGUMENT',
        `Invalid queueLimitBytes: ${this.#limit} (expected a positive integer)`,
        {
          queueLimitBytes: this.#limit,
        },
      );
    }
    this.#label = options.label ?? 'channel';
  }

  attach(sink: ChannelSink): void {
    this.#sink = sink;
  }

  get queuedBytes(): number {
    return this.#queued;
  }

  send(chunk: Uint8Array): boolean {
    if (this.#aborted) return false;
    if (this.#ended) {
      throw new SimError(
        'SOCKET_STATE',
        `Cannot send ${chunk.byteLength} bytes on "${this.#label}" after end()`,
        {
          label: this.#label,
        },
      );
    }
    if (chunk.byteLength === 0) return !this.#blocked;
    this.#queued += chunk.byteLength;
    const at = this.#scheduler.now + this.#delay;
    if (this.#batch !== undefined && this.#batchAt === at) {
      this.#batch.push(chunk);
    } else {
      const batch = [chunk];
      this.#batch = batch;
      this.#batchAt = at;
      this.#scheduler.at(at, () => this.#deliver(batch), this.#label);
    }
    if (this.#queued > this.#limit) this.#blocked = true;
    return !this.#blocked;
  }

  end(): void {
    if (this.#ended || this.#aborted) return;
    this.#ended = true;
    this.#batch = undefined;
    this.#scheduler.at(
      this.#scheduler.now + this.#delay,
      () => {
        if (!this.#aborted) this.#sink?.fin();
      },
      `${this.#label}:fin`,
    );
  }

  abort(): void {
    this.#aborted = true;
    this.#queued = 0;
    this.#batch = undefined;
  }

  #deliver(batch: Uint8Array[]): void {
    if (this.#batch === batch) this.#batch = undefined;
    if (this.#aborted) return;
    for (const chunk of batch) {
      this.#queued -= chunk.byteLength;
      this.#sink?.deliver(chunk);
      if (this.#aborted) return;
    }
    if (this.#blocked && this.#queued <= this.#limit) {
      this.#blocked = false;
      this.onDrain?.();
    }
  }
}
