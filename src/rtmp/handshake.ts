/**
 * The client side of the RTMP 1.0 handshake (spec section 5.2) as an incremental state machine: feed it
 * the bytes the server sends, in any slicing, and it emits the bytes to send through `send`.
 *
 * Sequence (spec 5.2.1): the client sends C0+C1 at once; it "MUST wait until S1 has been received before
 * sending C2" and "MUST wait until S2 has been received before sending any other data".
 */

import type { RandomBytes, RtmpClock } from './environment.js';
import { RtmpError } from './rtmp-error.js';

/** The only RTMP version this client speaks (spec 5.2.2). */
export const RTMP_VERSION = 3;
/** Size of C1, S1, C2 and S2 (spec 5.2.3). */
export const HANDSHAKE_PACKET_SIZE = 1536;
/** Default time allowed for S0+S1+S2 to arrive after C0+C1 is sent. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Where the handshake stands. */
export type HandshakeState = 'idle' | 'awaiting-s0-s1' | 'awaiting-s2' | 'done' | 'failed';

/** Options for `ClientHandshake`; only `clock`, `randomBytes` and the callbacks are required. */
export interface ClientHandshakeOptions {
  clock: RtmpClock;
  randomBytes: RandomBytes;
  /** Milliseconds from `start()` until 'HANDSHAKE_TIMEOUT'; default 10,000. */
  timeoutMs?: number;
  /** Bytes to send to the server (C0+C1, then C2). */
  send(bytes: Uint8Array): void;
  /** S2 arrived. `rest` holds any bytes the server sent after S2 (the first chunks). */
  onComplete(result: HandshakeResult): void;
  /** The handshake failed; called at most once, after which the machine ignores input. */
  onError(error: RtmpError): void;
}

/** What the completed handshake saw. */
export interface HandshakeResult {
  /** Bytes received after S2: the beginning of the chunk stream. */
  rest: Uint8Array;
  /** S1's time field (the server's epoch). */
  serverTime: number;
  /** Whether S2 echoed C1's random field, as spec 5.2.4 asks; servers using the digest handshake differ. */
  s2EchoesC1: boolean;
}

/** Incremental client handshake. Call `start()` once, then `feed()` with every received slice. */
export class ClientHandshake {
  private stateValue: HandshakeState = 'idle';
  private readonly timeoutMs: number;
  private timer: unknown = undefined;
  private c1: Uint8Array = new Uint8Array(0);
  /** S0+S1 (1537 bytes) then S2 (1536 bytes) are collected here. */
  private pending = new Uint8Array(1 + HANDSHAKE_PACKET_SIZE);
  private pendingLength = 0;
  private serverTime = 0;
  private bytesReceived = 0;

  constructor(private readonly options: ClientHandshakeOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  }

  get state(): HandshakeState {
    return this.stateValue;
  }

  /** Sends C0+C1 and arms the timeout. Calling it twice is a 'PROTOCOL' error. */
  start(): void {
    if (this.stateValue !== 'idle') {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to start the RTMP handshake: it is already ${this.stateValue}`,
        {
          state: this.stateValue,
        },
      );
    }
    // Spec 5.2.3: C1 = time (4 bytes) + zero (4 bytes) + random data (1528 bytes).
    const c0c1 = new Uint8Array(1 + HANDSHAKE_PACKET_SIZE);
    c0c1[0] = RTMP_VERSION;
    const time = Math.floor(this.options.clock.now()) % 2 ** 32;
    new DataView(c0c1.buffer).setUint32(1, time);
    const random = this.options.randomBytes(HANDSHAKE_PACKET_SIZE - 8);
    c0c1.set(random.subarray(0, HANDSHAKE_PACKET_SIZE - 8), 9);
    this.c1 = c0c1.subarray(1);
    this.stateValue = 'awaiting-s0-s1';
    this.timer = this.options.clock.setTimeout(() => this.onTimeout(), this.timeoutMs);
    this.options.send(c0c1);
  }

  /** Consumes bytes from the server. Never throws; failures go to `onError`. */
  feed(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.stateValue !== 'awaiting-s0-s1' && this.stateValue !== 'awaiting-s2') return;
      const want = this.pending.length - this.pendingLength;
      const take = Math.min(want, bytes.length - offset);
      this.pending.set(bytes.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      this.bytesReceived += take;
      offset += take;
      if (this.stateValue === 'awaiting-s0-s1') {
        // Spec 5.2.2: check S0 as soon as it arrives rather than after all of S1.
        if (this.pendingLength >= 1 && this.pending[0] !== RTMP_VERSION) {
          const version = this.pending[0]!;
          this.fail(
            new RtmpError(
              'HANDSHAKE_VERSION',
              `Failed to complete the RTMP handshake: the server sent version ${version} in S0, expected ${RTMP_VERSION}`,
              { expected: RTMP_VERSION, actual: version },
            ),
          );
          return;
        }
        if (this.pendingLength === this.pending.length) this.onS0S1();
      } else if (this.pendingLength === this.pending.length) {
        this.onS2(bytes.subarray(offset));
        return;
      }
    }
  }

  /** The transport closed: fails with 'HANDSHAKE_CLOSED' unless the handshake already ended. */
  peerClosed(): void {
    if (this.stateValue !== 'awaiting-s0-s1' && this.stateValue !== 'awaiting-s2') return;
    this.fail(
      new RtmpError(
        'HANDSHAKE_CLOSED',
        `Failed to complete the RTMP handshake: the connection closed while ${this.stateValue} after ${this.bytesReceived} bytes`,
        { stage: this.stateValue, bytesReceived: this.bytesReceived },
      ),
    );
  }

  /** Stops the timer and ignores further input, without reporting anything. */
  cancel(): void {
    this.clearTimer();
    if (this.stateValue !== 'done') this.stateValue = 'failed';
  }

  private onS0S1(): void {
    const s1 = this.pending.subarray(1);
    const view = new DataView(s1.buffer, s1.byteOffset, s1.byteLength);
    this.serverTime = view.getUint32(0);
    // Spec 5.2.4: C2 carries S1's time, the time S1 was read (time2) and S1's random field.
    const c2 = new Uint8Array(s1);
    new DataView(c2.buffer).setUint32(4, Math.floor(this.options.clock.now()) % 2 ** 32);
    this.stateValue = 'awaiting-s2';
    this.pending = new Uint8Array(HANDSHAKE_PACKET_SIZE);
    this.pendingLength = 0;
    this.options.send(c2);
  }

  private onS2(rest: Uint8Array): void {
    this.clearTimer();
    this.stateValue = 'done';
    let s2EchoesC1 = true;
    for (let i = 8; i < HANDSHAKE_PACKET_SIZE; i++) {
      if (this.pending[i] !== this.c1[i]) {
        s2EchoesC1 = false;
        break;
      }
    }
    this.options.onComplete({ rest: new Uint8Array(rest), serverTime: this.serverTime, s2EchoesC1 });
  }

  private onTimeout(): void {
    this.timer = undefined;
    if (this.stateValue !== 'awaiting-s0-s1' && this.stateValue !== 'awaiting-s2') return;
    this.fail(
      new RtmpError(
        'HANDSHAKE_TIMEOUT',
        `Failed to complete the RTMP handshake: no ${this.stateValue === 'awaiting-s2' ? 'S2' : 'S0+S1'} within ${this.timeoutMs} ms (${this.bytesReceived} bytes received)`,
        { stage: this.stateValue, timeoutMs: this.timeoutMs, bytesReceived: this.bytesReceived },
      ),
    );
  }

  private fail(error: RtmpError): void {
    this.clearTimer();
    this.stateValue = 'failed';
    this.options.onError(error);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.options.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
