/**
 * AMF0 encoding and decoding (Adobe "Action Message Format -- AMF 0", section 2), the value format of
 * RTMP command (type 20) and data (type 18) messages (RTMP 1.0 spec 7.1.1, 7.1.2).
 *
 * Law: `decodeAmf0(encodeAmf0(values))` deep-equals `values` for every `Amf0Value[]` (strings longer than
 * 65535 UTF-8 bytes travel as long strings and come back as plain strings).
 */

import { ByteWriter, readU32 } from './internal/byte-writer.js';
import { RtmpError } from './rtmp-error.js';

/** AMF0 type markers (AMF0 spec 2.1). */
export const Amf0Marker = {
  number: 0x00,
  boolean: 0x01,
  string: 0x02,
  object: 0x03,
  null: 0x05,
  undefined: 0x06,
  reference: 0x07,
  ecmaArray: 0x08,
  objectEnd: 0x09,
  strictArray: 0x0a,
  date: 0x0b,
  longString: 0x0c,
} as const;

/** An anonymous AMF0 object (marker 0x03): string keys, ordered as `Object.keys` orders them. */
export interface Amf0Object {
  [key: string]: Amf0Value;
}

/** An ECMA (associative) array (marker 0x08), e.g. the `onMetaData` payload. */
export class Amf0EcmaArray {
  constructor(readonly entries: Amf0Object) {}
}

/** An AMF0 date (marker 0x0B): milliseconds since the Unix epoch plus the (reserved) time zone. */
export class Amf0Date {
  constructor(
    readonly epochMs: number,
    readonly timezoneMinutes = 0,
  ) {}
}

/** Every value AMF0 carries here. JS arrays are strict arrays (marker 0x0A). */
export type Amf0Value =
  | number
  | boolean
  | string
  | null
  | undefined
  | Amf0Object
  | Amf0EcmaArray
  | Amf0Date
  | Amf0Value[];

/** Nesting deeper than this is refused on decode, so hostile input cannot exhaust the stack. */
export const AMF0_MAX_DEPTH = 64;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** Encodes values back to back, as command and data messages carry them. */
export function encodeAmf0(values: readonly Amf0Value[]): Uint8Array {
  const writer = new ByteWriter();
  for (const value of values) writeValue(writer, value, 0);
  return writer.finish();
}

function writeValue(writer: ByteWriter, value: Amf0Value, depth: number): void {
  if (depth > AMF0_MAX_DEPTH) {
    throw new RtmpError(
      'PROTOCOL',
      `Failed to encode AMF0 value: nesting deeper than ${AMF0_MAX_DEPTH} levels`,
      { depth },
    );
  }
  if (value === null) {
    writer.u8(Amf0Marker.null);
  } else if (value === undefined) {
    writer.u8(Amf0Marker.undefined);
  } else if (typeof value === 'number') {
    writer.u8(Amf0Marker.number).f64(value);
  } else if (typeof value === 'boolean') {
    writer.u8(Amf0Marker.boolean).u8(value ? 1 : 0);
  } else if (typeof value === 'string') {
    const bytes = utf8Encoder.encode(value);
    if (bytes.length <= 0xffff) writer.u8(Amf0Marker.string).u16(bytes.length).bytes(bytes);
    else writer.u8(Amf0Marker.longString).u32(bytes.length).bytes(bytes);
  } else if (Array.isArray(value)) {
    writer.u8(Amf0Marker.strictArray).u32(value.length);
    for (const item of value) writeValue(writer, item, depth + 1);
  } else if (value instanceof Amf0Date) {
    writer.u8(Amf0Marker.date).f64(value.epochMs).i16(value.timezoneMinutes);
  } else if (value instanceof Amf0EcmaArray) {
    const keys = Object.keys(value.entries);
    writer.u8(Amf0Marker.ecmaArray).u32(keys.length);
    writeProperties(writer, value.entries, keys, depth);
  } else if (typeof value === 'object') {
    writer.u8(Amf0Marker.object);
    writeProperties(writer, value, Object.keys(value), depth);
  } else {
    throw new RtmpError('PROTOCOL', `Failed to encode AMF0 value: type ${typeof value} has no AMF0 form`, {
      type: typeof value,
    });
  }
}

function writeProperties(writer: ByteWriter, object: Amf0Object, keys: string[], depth: number): void {
  for (const key of keys) {
    const keyBytes = utf8Encoder.encode(key);
    if (keyBytes.length > 0xffff) {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to encode AMF0 property name: ${keyBytes.length} UTF-8 bytes exceed the 65535-byte limit`,
        { keyLength: keyBytes.length },
      );
    }
    writer.u16(keyBytes.length).bytes(keyBytes);
    writeValue(writer, object[key], depth + 1);
  }
  writer.u16(0).u8(Amf0Marker.objectEnd);
}

/**
 * Decodes every value in `bytes`. Throws `RtmpError` 'AMF_DECODE' (context: offset, reason details)
 * on truncated input, unknown or unsupported markers (references, typed objects, AMF3 switch) and
 * nesting deeper than `AMF0_MAX_DEPTH`; never throws anything else.
 */
export function decodeAmf0(bytes: Uint8Array): Amf0Value[] {
  const reader = new Amf0Reader(bytes);
  const values: Amf0Value[] = [];
  while (reader.offset < bytes.length) values.push(reader.value(0));
  return values;
}

class Amf0Reader {
  offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(reason: string, context: Record<string, unknown> = {}): never {
    throw new RtmpError('AMF_DECODE', `Failed to decode AMF0 value at offset ${this.offset}: ${reason}`, {
      offset: this.offset,
      length: this.bytes.length,
      ...context,
    });
  }

  private need(count: number, what: string): void {
    if (this.offset + count > this.bytes.length) {
      this.fail(`${what} needs ${count} bytes but only ${this.bytes.length - this.offset} remain`, {
        needed: count,
      });
    }
  }

  value(depth: number): Amf0Value {
    if (depth > AMF0_MAX_DEPTH) this.fail(`nesting deeper than ${AMF0_MAX_DEPTH} levels`, { depth });
    this.need(1, 'a type marker');
    const marker = this.bytes[this.offset]!;
    switch (marker) {
      case Amf0Marker.number:
        this.need(9, 'a number');
        this.offset += 9;
        return this.view.getFloat64(this.offset - 8);
      case Amf0Marker.boolean:
        this.need(2, 'a boolean');
        this.offset += 2;
        return this.bytes[this.offset - 1] !== 0;
      case Amf0Marker.string:
        this.offset += 1;
        return this.utf8(2);
      case Amf0Marker.longString:
        this.offset += 1;
        return this.utf8(4);
      case Amf0Marker.object:
        this.offset += 1;
        return this.properties(depth);
      case Amf0Marker.null:
        this.offset += 1;
        return null;
      case Amf0Marker.undefined:
        this.offset += 1;
        return undefined;
      case Amf0Marker.ecmaArray:
        this.need(5, 'an ECMA array header');
        // The count is only a hint (AMF0 spec 2.10); the object-end marker terminates the array.
        this.offset += 5;
        return new Amf0EcmaArray(this.properties(depth));
      case Amf0Marker.strictArray: {
        this.need(5, 'a strict array header');
        const count = readU32(this.bytes, this.offset + 1);
        // Every value takes at least one byte: a larger count cannot be satisfied.
        if (count > this.bytes.length - this.offset - 5) {
          this.fail(
            `strict array claims ${count} values but only ${this.bytes.length - this.offset - 5} bytes remain`,
            {
              marker,
              count,
            },
          );
        }
        this.offset += 5;
        const items: Amf0Value[] = [];
        for (let i = 0; i < count; i++) items.push(this.value(depth + 1));
        return items;
      }
      case Amf0Marker.date: {
        this.need(11, 'a date');
        const epochMs = this.view.getFloat64(this.offset + 1);
        const timezoneMinutes = this.view.getInt16(this.offset + 9);
        this.offset += 11;
        return new Amf0Date(epochMs, timezoneMinutes);
      }
      case Amf0Marker.objectEnd:
        return this.fail('an object-end marker (0x09) outside an object', { marker });
      default:
        return this.fail(`marker 0x${marker.toString(16).padStart(2, '0')} is not supported`, { marker });
    }
  }

  private utf8(lengthBytes: 2 | 4): string {
    this.need(lengthBytes, 'a string length');
    const length = lengthBytes === 2 ? this.view.getUint16(this.offset) : readU32(this.bytes, this.offset);
    this.offset += lengthBytes;
    this.need(length, 'a string body');
    const text = utf8Decoder.decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  private properties(depth: number): Amf0Object {
    const object: Amf0Object = {};
    for (;;) {
      const key = this.utf8(2);
      this.need(1, 'a property value marker');
      if (key === '' && this.bytes[this.offset] === Amf0Marker.objectEnd) {
        this.offset += 1;
        return object;
      }
      const value = this.value(depth + 1);
      // defineProperty: a key named "__proto__" must become a plain own property, not a prototype.
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
}
