/**
 * Raw AAC-LC frames of digital silence (ISO/IEC 14496-3 §4.4.2.1 raw_data_block), optionally padded with
 * fill elements to an exact byte size.
 *
 * Silence: one SCE (mono) or CPE with common_window (stereo) whose ics_info has max_sfb 0, so no section,
 * scale factor or spectral data follows; global_gain 0. Unpadded: mono `00 00 00 07`, stereo
 * `21 00 00 00 00 1C`, the same at every sampling rate.
 */
import { BitWriter } from '../bit-writer.js';

const ID_SCE = 0;
const ID_CPE = 1;
const ID_FIL = 6;
const ID_END = 7;
/** extension_type EXT_FILL (Table 4.121): never 0b1101 (EXT_SBR_DATA), which would signal HE-AAC. */
const EXT_FILL = 0;
/** fill_byte value mandated for EXT_FILL (§4.5.2.9.1: '10100101'). */
const FILL_BYTE = 0b1010_0101;

/** Largest fill element payload (cnt = 15 + esc_count − 1 with esc_count 255). */
const MAX_FILL_COUNT = 15 + 255 - 1;

/** Bits of the channel element(s) of a silent frame, before any fill element and ID_END. */
function silentElementBits(channels: 1 | 2): number {
  // SCE: id 3 + tag 4 + ics(global_gain 8 + ics_info 11 + pulse/tns/gain flags 3) = 29.
  // CPE: id 3 + tag 4 + common_window 1 + ics_info 11 + ms_mask_present 2 + 2 × (8 + 3) = 43.
  return channels === 1 ? 29 : 43;
}

/** Size in bytes of the silent frame without fill (4 mono, 6 stereo). */
export function naturalFrameBytes(channels: 1 | 2): number {
  return Math.ceil((silentElementBits(channels) + 3) / 8);
}

/**
 * A silent raw frame of exactly `max(targetBytes, naturalFrameBytes(channels))` bytes: fill elements
 * (each 7 + 8·cnt bits, or 15 + 8·cnt with the escape count) take the room before ID_END; fewer than
 * 8 spare bits end up as byte-alignment zeros.
 */
export function silentRawFrame(channels: 1 | 2, targetBytes = 0): Uint8Array {
  const bytes = Math.max(targetBytes, naturalFrameBytes(channels));
  // Pure in (channels, bytes), and a steady bitrate asks for the same few sizes: frames are shared
  // (consumers copy them into packets and never change them).
  const key = bytes * 2 + channels - 1;
  let frame = silentFrames.get(key);
  if (frame === undefined) {
    frame = buildSilentRawFrame(channels, bytes);
    if (silentFrames.size >= 64) silentFrames.clear();
    silentFrames.set(key, frame);
  }
  return frame;
}

const silentFrames = new Map<number, Uint8Array>();

function buildSilentRawFrame(channels: 1 | 2, bytes: number): Uint8Array {
  const w = new BitWriter(bytes);
  writeSilentElement(w, channels);
  let room = bytes * 8 - w.bitLength - 3; // 3 bits for ID_END
  while (room >= 8) {
    const count = largestFillCount(room);
    writeFill(w, count);
    room -= fillBits(count);
  }
  w.writeBits(ID_END, 3);
  w.alignZero();
  return w.toBytes();
}

function writeSilentElement(w: BitWriter, channels: 1 | 2): void {
  if (channels === 1) {
    w.writeBits(ID_SCE, 3);
    w.writeBits(0, 4); // element_instance_tag
    w.writeBits(0, 8); // global_gain
    writeIcsInfo(w);
    w.writeBits(0, 3); // pulse_data_present, tns_data_present, gain_control_data_present
    return;
  }
  w.writeBits(ID_CPE, 3);
  w.writeBits(0, 4); // element_instance_tag
  w.writeBit(1); // common_window
  writeIcsInfo(w);
  w.writeBits(0, 2); // ms_mask_present
  for (let ch = 0; ch < 2; ch++) {
    w.writeBits(0, 8); // global_gain
    w.writeBits(0, 3); // pulse_data_present, tns_data_present, gain_control_data_present
  }
}

/** ics_info(): ONLY_LONG_SEQUENCE, sine window, max_sfb 0, no prediction. 11 bits. */
function writeIcsInfo(w: BitWriter): void {
  w.writeBit(0); // ics_reserved_bit
  w.writeBits(0, 2); // window_sequence ONLY_LONG_SEQUENCE
  w.writeBit(0); // window_shape
  w.writeBits(0, 6); // max_sfb
  w.writeBit(0); // predictor_data_present
}

function fillBits(count: number): number {
  return (count >= 15 ? 15 : 7) + 8 * count;
}

/** Largest cnt whose fill element fits in `room` bits (room >= 7). */
function largestFillCount(room: number): number {
  if (room >= 15 + 8 * 15) return Math.min(MAX_FILL_COUNT, Math.floor((room - 15) / 8));
  return Math.min(14, Math.floor((room - 7) / 8));
}

/** fill_element(): ID_FIL, count (+ esc_count), extension_payload of `count` bytes of EXT_FILL. */
function writeFill(w: BitWriter, count: number): void {
  w.writeBits(ID_FIL, 3);
  if (count >= 15) {
    w.writeBits(15, 4);
    w.writeBits(count - 15 + 1, 8); // esc_count: cnt = 15 + esc_count − 1
  } else {
    w.writeBits(count, 4);
  }
  if (count === 0) return;
  w.writeBits(EXT_FILL, 4);
  w.writeBits(0, 4); // fill_nibble '0000'
  for (let i = 1; i < count; i++) w.writeBits(FILL_BYTE, 8);
}
