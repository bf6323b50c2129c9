/**
 * MSB-first bit writer for H.264 RBSPs and AAC raw data blocks.
 *
 * Implements the descriptors of ITU-T H.264 §7.2: u(n), ue(v), se(v) (Exp-Golomb, §9.1),
 * byte alignment and rbsp_trailing_bits() (§7.3.2.11), plus the emulation-prevention step that
 * turns an RBSP into a NAL unit payload (§7.4.1, `emulation_prevention_three_byte`).
 */
export class BitWriter {
  private buffer: Uint8Array;
  private byteLength = 0;
  /** Bits already used in the current (partial) byte, 0..7. */
  private bitOffset = 0;

  /** @param initialCapacity bytes to reserve up front; the buffer grows by doubling. */
  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(Math.max(1, initialCapacity));
  }

  /** Number of bits written so far. */
  get bitLength(): number {
    return this.byteLength * 8 + this.bitOffset;
  }

  /** True when the next bit starts a new byte. */
  get isByteAligned(): boolean {
    return this.bitOffset === 0;
  }

  /** Writes one bit (any truthy value is 1). */
  writeBit(bit: number | boolean): this {
    if (this.bitOffset === 0) {
      this.ensure(1);
      this.buffer[this.byteLength] = 0;
    }
    if (bit) this.buffer[this.byteLength] |= 0x80 >>> this.bitOffset;
    this.bitOffset += 1;
    if (this.bitOffset === 8) {
      this.bitOffset = 0;
      this.byteLength += 1;
    }
    return this;
  }

  /** u(n): writes the `count` low bits of `value`, most significant first. 0 <= count <= 32. */
  writeBits(value: number, count: number): this {
    // Hot path (every syntax element of a slice): a cheap range check, then integer shifts.
    if (count >= 0 && count <= 24 && value >>> 0 === value && value < 1 << count)
      return this.#writeSmall(value, count);
    if (!Number.isInteger(count) || count < 0 || count > 32) {
      throw new RangeError(`Failed to write bits: count ${count} is not an integer in 0..32`);
    }
    if (!Number.isInteger(value) || value < 0 || (count < 32 && value >= 2 ** count) || value >= 2 ** 32) {
      throw new RangeError(`Failed to write bits: value ${value} does not fit in ${count} unsigned bits`);
    }
    if (this.bitOffset === 0 && count % 8 === 0) {
      // Fast path for whole bytes on a byte boundary.
      this.ensure(count / 8);
      for (let shift = count - 8; shift >= 0; shift -= 8) {
        this.buffer[this.byteLength++] = Math.floor(value / 2 ** shift) & 0xff;
      }
      return this;
    }
    // Fill the current partial byte, then whole bytes, then the start of the last byte.
    this.ensure(Math.ceil(count / 8) + 1);
    let remaining = count;
    while (remaining > 0) {
      if (this.bitOffset === 0) this.buffer[this.byteLength] = 0;
      const take = Math.min(8 - this.bitOffset, remaining);
      remaining -= take;
      const chunk = Math.floor(value / 2 ** remaining) & ((1 << take) - 1);
      this.buffer[this.byteLength] |= chunk << (8 - this.bitOffset - take);
      this.bitOffset += take;
      if (this.bitOffset === 8) {
        this.bitOffset = 0;
        this.byteLength += 1;
      }
    }
    return this;
  }

  #writeSmall(value: number, count: number): this {
    this.ensure(4);
    let remaining = count;
    while (remaining > 0) {
      if (this.bitOffset === 0) this.buffer[this.byteLength] = 0;
      const take = Math.min(8 - this.bitOffset, remaining);
      remaining -= take;
      this.buffer[this.byteLength] |=
        ((value >>> remaining) & ((1 << take) - 1)) << (8 - this.bitOffset - take);
      this.bitOffset += take;
      if (this.bitOffset === 8) {
        this.bitOffset = 0;
        this.byteLength += 1;
      }
    }
    return this;
  }

  /** ue(v): unsigned Exp-Golomb code (§9.1). 0 <= value <= 2^32 - 2. */
  writeUe(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xfffffffe) {
      throw new RangeError(`Failed to write ue(v): value ${value} is not an integer in 0..4294967294`);
    }
    const codeNum = value + 1;
    const length = Math.floor(Math.log2(codeNum)) + 1;
    // Leading zeros, then codeNum itself (its top bit is the marker 1).
    this.writeBits(0, length - 1);
    return this.writeBits(codeNum, length);
  }

  /** se(v): signed Exp-Golomb code (§9.1.1): k > 0 maps to 2k-1, k <= 0 maps to -2k. */
  writeSe(value: number): this {
    if (!Number.isInteger(value) || Math.abs(value) > 0x7fffffff) {
      throw new RangeError(`Failed to write se(v): value ${value} is not an integer in ±2147483647`);
    }
    return this.writeUe(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** Writes zero bits up to the next byte boundary (pcm_alignment_zero_bit, byte_alignment padding). */
  alignZero(): this {
    while (this.bitOffset !== 0) this.writeBit(0);
    return this;
  }

  /** rbsp_trailing_bits(): rbsp_stop_one_bit then zero bits to the byte boundary (§7.3.2.11). */
  writeTrailingBits(): this {
    this.writeBit(1);
    return this.alignZero();
  }

  /** Appends whole bytes; the writer must be byte aligned. */
  writeBytes(bytes: Uint8Array): this {
    if (this.bitOffset !== 0) {
      throw new Error(`Failed to write bytes: writer is not byte aligned (bit offset ${this.bitOffset})`);
    }
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.byteLength);
    this.byteLength += bytes.length;
    return this;
  }

  /** Appends `count` copies of `byte`; the writer must be byte aligned. */
  writeRepeatedByte(byte: number, count: number): this {
    if (this.bitOffset !== 0) {
      throw new Error(`Failed to write bytes: writer is not byte aligned (bit offset ${this.bitOffset})`);
    }
    this.ensure(count);
    this.buffer.fill(byte & 0xff, this.byteLength, this.byteLength + count);
    this.byteLength += count;
    return this;
  }

  /** Forget what was written, keeping the buffer: one writer serves every frame of an encoder. */
  reset(): this {
    this.byteLength = 0;
    this.bitOffset = 0;
    return this;
  }

  /** The bytes written so far as a view of the writer's buffer: valid until the next write or reset. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.byteLength + (this.bitOffset > 0 ? 1 : 0));
  }

  /** The bytes written so far (a partial last byte is included, its unused bits zero). A copy. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.byteLength + (this.bitOffset > 0 ? 1 : 0));
  }

  private ensure(extraBytes: number): void {
    const needed = this.byteLength + extraBytes + 1;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.byteLength + 1));
    this.buffer = grown;
  }
}

/**
 * Inserts emulation_prevention_three_byte (0x03) so that no 0x000000, 0x000001, 0x000002 or 0x000003
 * appears in a NAL unit (H.264 §7.4.1): after two zero bytes, any byte <= 0x03 is preceded by 0x03.
 * Returns the input itself when nothing needs escaping.
 */
export function addEmulationPrevention(rbsp: Uint8Array): Uint8Array {
  let inserts = 0;
  let zeros = 0;
  for (let i = 0; i < rbsp.length; i++) {
    const byte = rbsp[i];
    if (zeros >= 2 && byte <= 3) {
      inserts += 1;
      zeros = 0;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  if (inserts === 0) return rbsp;
  const out = new Uint8Array(rbsp.length + inserts);
  let j = 0;
  zeros = 0;
  for (let i = 0; i < rbsp.length; i++) {
    const byte = rbsp[i];
    if (zeros >= 2 && byte <= 3) {
      out[j++] = 3;
      zeros = 0;
    }
    out[j++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out;
}

/** Inverse of {@link addEmulationPrevention}: drops every 0x03 that follows two zero bytes. */
export function removeEmulationPrevention(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let j = 0;
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const byte = nal[i];
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[j++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.slice(0, j);
}
