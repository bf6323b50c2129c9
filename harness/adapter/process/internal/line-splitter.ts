/**
 * Splits a byte stream into lines (docs/adapter-protocol.md, "Framing"): `\n` ends a line, a trailing `\r`
 * is dropped, lines longer than `maxBytes` are reported (their start, then everything up to the next
 * newline is skipped) instead of growing a buffer without bound.
 */
export class LineSplitter {
  readonly #maxBytes: number;
  #parts: Buffer[] = [];
  #size = 0;
  #skipping = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Feed bytes; calls `onLine` for each complete line and `onTooLong` once per over-long line. */
  push(chunk: Buffer, onLine: (line: string) => void, onTooLong: (head: string) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!this.#skipping) {
        if (this.#size + piece.length > this.#maxBytes) {
          const head = Buffer.concat([...this.#parts, piece])
            .subarray(0, 200)
            .toString('utf8');
          this.#parts = [];
          this.#size = 0;
          this.#skipping = true;
          onTooLong(head);
        } else {
          this.#parts.push(piece);
          this.#size += piece.length;
        }
      }
      if (nl < 0) break;
      if (this.#skipping) {
        this.#skipping = false;
      } else {
        let line = Buffer.concat(this.#parts).toString('utf8');
        if (line.endsWith('\r')) line = line.slice(0, -1);
        this.#parts = [];
        this.#size = 0;
        onLine(line);
      }
      start = nl + 1;
    }
  }

  /** Bytes of an unterminated last line (reported at exit as evidence). */
  rest(): string {
    return Buffer.concat(this.#parts).toString('utf8');
  }
}
