/**
 * A minimal AMF0 decoder for FLV script-data tags (AMF0 spec, Adobe, 2006, section 2 "AMF 0 Data Types").
 *
 * Private to the observer on purpose: the observer checks the pusher, so it must not share the pusher's
 * own AMF0 code (`src/rtmp/`), or one bug would hide itself on both sides.
 *
 * Decoded values: number → number, boolean → boolean, string/long string/XML document → string,
 * null → null, undefined → undefined, object/ECMA array/typed object → plain object (a typed object
 * gets its class name under `__className`), strict array → array, date → `{ amf0Date: ms, tz: minutes }`
 * (no `Date`: only the sim kernel touches time), reference → `{ amf0Reference: index }`.
 */

export type Amf0Value =
  | number
  | boolean
  | string
  | null
  | undefined
  | Amf0Value[]
  | { [key: string]: Amf0Value };

/** Thrown when the bytes are not valid AMF0; `offset` is the byte offset (within the input) that failed. */
export class Amf0DecodeError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'Amf0DecodeError';
    this.offset = offset;
  }
}

const MAX_DEPTH = 64;

class Reader {
  pos = 0;
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.pos;
  }

  need(n: number, what: string): void {
    if (this.remaining < n) {
      throw new Amf0DecodeError(
        `Failed to decode AMF0 ${what}: needs ${n} bytes at offset ${this.pos}, ${this.remaining} left`,
        this.pos,
      );
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  i16(what: string): number {
    this.need(2, what);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  utf8String(length: number, what: string): string {
    this.need(length, what);
    const s = this.utf8.decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return s;
  }
}

function readProperties(r: Reader, depth: number, target: { [key: string]: Amf0Value }): void {
  // Section 2.5: pairs of UTF-8 (u16 length) keys and values, ended by an empty key + object-end marker.
  for (;;) {
    const keyLength = r.u16('object key length');
    if (keyLength === 0 && r.remaining >= 1) {
      const at = r.pos;
      if (r.u8('object end marker') === 0x09) return;
      throw new Amf0DecodeError(`Failed to decode AMF0 object: empty key not followed by end marker`, at);
    }
    const key = r.utf8String(keyLength, 'object key');
    target[key] = readValue(r, depth + 1);
  }
}

function readValue(r: Reader, depth: number): Amf0Value {
  if (depth > MAX_DEPTH)
    throw new Amf0DecodeError(`Failed to decode AMF0: nesting deeper than ${MAX_DEPTH}`, r.pos);
  const at = r.pos;
  const marker = r.u8('type marker');
  switch (marker) {
    case 0x00:
      return r.f64('number');
    case 0x01:
      return r.u8('boolean') !== 0;
    case 0x02:
      return r.utf8String(r.u16('string length'), 'string');
    case 0x03: {
      const obj: { [key: string]: Amf0Value } = {};
      readProperties(r, depth, obj);
      return obj;
    }
    case 0x05:
      return null;
    case 0x06:
      return undefined;
    case 0x07:
      return { amf0Reference: r.u16('reference') };
    case 0x08: {
      // Section 2.10: the count is a hint only; writers disagree with it, so read up to the end marker.
      r.u32('ECMA array count');
      const obj: { [key: string]: Amf0Value } = {};
      readProperties(r, depth, obj);
      return obj;
    }
    case 0x0a: {
      const count = r.u32('strict array count');
      const arr: Amf0Value[] = [];
      for (let i = 0; i < count; i++) arr.push(readValue(r, depth + 1));
      return arr;
    }
    case 0x0b: {
      const ms = r.f64('date');
      const tz = r.i16('date time zone');
      return { amf0Date: ms, tz };
    }
    case 0x0c:
    case 0x0f:
      return r.utf8String(r.u32('long string length'), 'long string');
    case 0x10: {
      const className = r.utf8String(r.u16('class name length'), 'class name');
      const obj: { [key: string]: Amf0Value } = { __className: className };
      readProperties(r, depth, obj);
      return obj;
    }
    default:
      throw new Amf0DecodeError(
        `Failed to decode AMF0 value: unsupported type marker 0x${marker.toString(16)}`,
        at,
      );
  }
}

/** Decodes every AMF0 value in `bytes`, in order. Throws `Amf0DecodeError` on malformed input. */
export function decodeAmf0All(bytes: Uint8Array): Amf0Value[] {
  const r = new Reader(bytes);
  const values: Amf0Value[] = [];
  while (r.remaining > 0) values.push(readValue(r, 0));
  return values;
}
