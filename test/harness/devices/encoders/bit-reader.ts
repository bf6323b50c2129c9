/**
 * Tiny MSB-first bit reader for tests: the inverse of harness/devices/encoders/bit-writer.ts.
 */
export class BitReader {
  private bit = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get position(): number {
    return this.bit;
  }

  get bitsLeft(): number {
    return this.bytes.length * 8 - this.bit;
  }

  readBit(): number {
    if (this.bit >= this.bytes.length * 8) throw new Error(`BitReader: read past end at bit ${this.bit}`);
    const value = (this.bytes[this.bit >> 3] >> (7 - (this.bit & 7))) & 1;
    this.bit += 1;
    return value;
  }

  readBits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 2 + this.readBit();
    return value;
  }

  readUe(): number {
    let zeros = 0;
    while (this.readBit() === 0) zeros += 1;
    return 2 ** zeros - 1 + this.readBits(zeros);
  }

  readSe(): number {
    const k = this.readUe();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }

  alignZero(): void {
    while (this.bit % 8 !== 0) {
      if (this.readBit() !== 0) throw new Error(`BitReader: non-zero alignment bit at ${this.bit - 1}`);
    }
  }
}
