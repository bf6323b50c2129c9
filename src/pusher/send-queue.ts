/**
 * The pusher's own send queue (docs/pusher.md "Send queue"): media waits here, not in the socket, while the
 * socket is back-pressured, so that it can still be dropped. Bytes handed to a socket cannot be taken back;
 * bytes in this queue can. FIFO across tracks (the server sees the interleaving we produced); sequence
 * headers and metadata are never dropped (the frames after them need them).
 * Pure: no clock or I/O of its own; enqueue times come from the caller.
 */
import type { Amf0Object } from '../rtmp/index.js';

export type QueuedKind = 'video' | 'audio' | 'data';

export interface QueuedMessage {
  kind: QueuedKind;
  /** RTMP timestamp, ms. */
  timestampMs: number;
  body: Uint8Array;
  /** A sequence header (AVC or AAC configuration) or metadata: never dropped. */
  essential: boolean;
  keyframe: boolean;
  /** When it was queued, ms on the pusher clock. */
  queuedAtMs: number;
  /** kind 'data': the onMetaData object (body is its encoding, for the byte count). */
  metadata?: Amf0Object;
}

export interface DropCount {
  messages: number;
  bytes: number;
}

export class SendQueue {
  #items: QueuedMessage[] = [];
  #head = 0;
  #bytes = 0;

  /** Bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(message: QueuedMessage): void {
    this.#items.push(message);
    this.#bytes += message.body.byteLength;
  }

  peek(): QueuedMessage | undefined {
    return this.#items[this.#head];
  }

  shift(): QueuedMessage | undefined {
    const m = this.#items[this.#head];
    if (!m) return undefined;
    this.#items[this.#head] = undefined as unknown as QueuedMessage;
    this.#head++;
    this.#bytes -= m.body.byteLength;
    if (this.#head > 256 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return m;
  }

  /** Queue time of the oldest message still waiting (undefined when empty). */
  oldestQueuedAtMs(): number | undefined {
    return this.peek()?.queuedAtMs;
  }

  /** Drop every video frame waiting (sequence headers stay): the stream resumes at a later keyframe. */
  dropVideo(): DropCount {
    return this.#drop((m) => m.kind === 'video' && !m.essential);
  }

  /** Drop the audio frames queued before `cutoffMs` (the AAC configuration stays). */
  dropAudioQueuedBefore(cutoffMs: number): DropCount {
    const oldest = this.oldestQueuedAtMs();
    if (oldest === undefined || oldest >= cutoffMs) return { messages: 0, bytes: 0 };
    return this.#drop((m) => m.kind === 'audio' && !m.essential && m.queuedAtMs < cutoffMs);
  }

  /** Drop every media frame waiting (sequence headers and metadata stay): pause(). */
  dropMedia(): DropCount {
    return this.#drop((m) => m.kind !== 'data' && !m.essential);
  }

  /** Drop everything (teardown). */
  clear(): DropCount {
    const count = { messages: this.length, bytes: this.#bytes };
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return count;
  }

  #drop(predicate: (m: QueuedMessage) => boolean): DropCount {
    const kept: QueuedMessage[] = [];
    let messages = 0;
    let bytes = 0;
    for (let i = this.#head; i < this.#items.length; i++) {
      const m = this.#items[i];
      if (predicate(m)) {
        messages++;
        bytes += m.body.byteLength;
      } else kept.push(m);
    }
    if (messages === 0) return { messages, bytes };
    this.#items = kept;
    this.#head = 0;
    this.#bytes -= bytes;
    return { messages, bytes };
  }
}
