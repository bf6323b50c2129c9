/**
 * NAL unit framing (H.264 §7.3.1) and the byte formats built from it.
 */
import { addEmulationPrevention } from '../bit-writer.js';

/** nal_unit_type values used by the synthetic encoder (H.264 Table 7-1). */
export const NalUnitType = {
  NonIdrSlice: 1,
  IdrSlice: 5,
  Sps: 7,
  Pps: 8,
  FillerData: 12,
} as const;
export type NalUnitType = (typeof NalUnitType)[keyof typeof NalUnitType];

/** Bytes a NAL unit costs in AVCC/FLV (4-byte length prefix) or Annex B with 4-byte start codes. */
export const NAL_LENGTH_PREFIX_BYTES = 4;

/** Smallest filler NAL cost including its length prefix: prefix + header byte + 0x80 trailing byte. */
export const MIN_FILLER_BYTES = NAL_LENGTH_PREFIX_BYTES + 2;

/**
 * Builds a NAL unit: the one-byte header (forbidden_zero_bit 0, nal_ref_idc, nal_unit_type) followed by
 * the RBSP with emulation prevention applied. No start code, no length prefix.
 */
export function nalUnit(nalRefIdc: 0 | 1 | 2 | 3, type: NalUnitType, rbsp: Uint8Array): Uint8Array {
  const payload = addEmulationPrevention(rbsp);
  const out = new Uint8Array(payload.length + 1);
  out[0] = (nalRefIdc << 5) | type;
  out.set(payload, 1);
  return out;
}

/**
 * Filler data NAL unit (§7.3.2.7: ff_byte × n, then rbsp_trailing_bits) whose cost including the 4-byte
 * length prefix is exactly `costBytes` (>= {@link MIN_FILLER_BYTES}). 0xFF bytes never need escaping.
 */
export function fillerNalUnit(costBytes: number): Uint8Array {
  if (!Number.isInteger(costBytes) || costBytes < MIN_FILLER_BYTES) {
    throw new RangeError(
      `Failed to build filler data: cost ${costBytes} bytes, expected an integer >= ${MIN_FILLER_BYTES}`,
    );
  }
  // The same cost gives the same bytes, and a steady bitrate pads every frame by the same few amounts:
  // fillers are shared (consumers copy NAL units into packets and never change them).
  let out = fillers.get(costBytes);
  if (out === undefined) {
    out = new Uint8Array(costBytes - NAL_LENGTH_PREFIX_BYTES);
    out[0] = NalUnitType.FillerData;
    out.fill(0xff, 1, out.length - 1);
    out[out.length - 1] = 0x80;
    if (fillers.size >= 64) fillers.clear();
    fillers.set(costBytes, out);
  }
  return out;
}

const fillers = new Map<number, Uint8Array>();

/** Concatenates NAL units as an Annex B byte stream with 4-byte start codes (00 00 00 01). */
export function toAnnexB(nalus: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const nalu of nalus) length += nalu.length + 4;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const nalu of nalus) {
    out[offset + 3] = 1;
    out.set(nalu, offset + 4);
    offset += nalu.length + 4;
  }
  return out;
}
