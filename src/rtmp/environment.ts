/**
 * The environment the RTMP stack runs in, as small structural interfaces. Nothing in `src/rtmp/` reads
 * time, schedules timers, draws randomness or opens sockets by itself: callers inject these, so the
 * same code runs on real sockets and timers or inside a deterministic simulator.
 *
 * Type-only module: no runtime imports or values.
 */

/** A clock in milliseconds with one-shot timers. `now()` need not be wall-clock time. */
export interface RtmpClock {
  /** Current time in milliseconds (any epoch, non-decreasing). */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer from `setTimeout`; a spent or unknown handle is ignored. */
  clearTimeout(handle: unknown): void;
}

/** Returns `n` random bytes (the random field of C1). */
export type RandomBytes = (n: number) => Uint8Array;

/**
 * An already-connected duplex byte stream: a Node `net.Socket` or `stream.Duplex` fits as is.
 * Only the members below are used.
 */
export interface RtmpSocket {
  /** Queues bytes for sending; `false` means the stream's buffer is above its high-water mark. */
  write(chunk: Uint8Array): boolean;
  /** Half-closes: no more writes, queued bytes still flush. */
  end(): unknown;
  /** Tears the stream down immediately. */
  destroy(error?: Error): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Disables Nagle's algorithm where the transport has it (TCP). */
  setNoDelay?(noDelay?: boolean): unknown;
  /** Bytes queued in the stream and not yet handed to the transport (Node `writableLength`). */
  readonly writableLength?: number;
}
