/**
 * Public vocabulary of the synthetic H.264 encoder (type-only module).
 */

/** Encoder settings. Sizes in pixels, `fps` in frames per second, bitrate in kbit/s (1000 bit/s). */
export interface H264EncoderConfig {
  /** Visible width in pixels: even integer, 32..4096. */
  width: number;
  /** Visible height in pixels: even integer, 32..4096. */
  height: number;
  /** Frame rate written to the SPS VUI timing info; finite, 0 < fps <= 240. */
  fps: number;
  /** Distance between IDR pictures in frames (frame 0 is IDR); integer >= 1. */
  gopFrames: number;
  /** Target bitrate; filler data pads the stream up to it. Finite, >= 0 (0 = no padding). */
  targetBitrateKbps: number;
}

/** What one picture shows: a flat colour and a frame-index marker (see the encoder's doc). */
export interface VideoPicture {
  /** Flat colour as 8-bit Y, Cb, Cr sample values (integers 0..255). */
  colour: { y: number; cb: number; cr: number };
  /** Frame index encoded in the marker macroblock's luma as (frameIndex mod 255) + 1; integer >= 0. */
  frameIndex: number;
  /** Encode this picture as an IDR even when the GOP is not over (restarts the GOP). */
  forceIdr?: boolean;
}

/** One access unit. */
export interface EncodedVideoFrame {
  /** True for IDR pictures. */
  keyframe: boolean;
  /**
   * NAL units WITHOUT start codes, emulation prevention applied: the slice, then filler data if any.
   * SPS and PPS are NOT repeated here; they are in `sps`/`pps` (FLV sends them in the sequence header).
   */
  nalus: Uint8Array[];
  /** Sum of NAL unit lengths + 4 per NAL unit: the AVCC/FLV payload size (same as Annex B with 4-byte start codes). */
  byteLength: number;
  /** The SPS NAL unit in force (header byte 0x67 included). */
  sps: Uint8Array;
  /** The PPS NAL unit in force (header byte 0x68 included). */
  pps: Uint8Array;
}
