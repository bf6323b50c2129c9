/**
 * Sequence parameter set for the Constrained Baseline profile (H.264 §7.3.2.1.1, VUI §E.1.1).
 */
import { BitWriter } from '../bit-writer.js';
import type { H264Geometry } from './config.js';
import { NalUnitType, nalUnit } from './nal.js';

/** Inputs of {@link buildSps}. */
export interface SpsParams {
  levelIdc: number;
  geometry: H264Geometry;
  /** log2(MaxFrameNum), 4..16: frame_num is written with this many bits. */
  log2MaxFrameNum: number;
  timing: { numUnitsInTick: number; timeScale: number };
}

/** profile_idc for Baseline; with constraint_set0+1 it reads as Constrained Baseline (§A.2.1.1). */
export const PROFILE_IDC_BASELINE = 66;

/**
 * Builds the SPS NAL unit (header 0x67 included, emulation prevention applied): profile 66 with
 * constraint_set0 and constraint_set1, pic_order_cnt_type 2, max_num_ref_frames 1, frame_mbs_only,
 * frame cropping when the visible size is not a multiple of 16, and VUI timing info with
 * fixed_frame_rate_flag plus bitstream_restriction (no reordering) so decoders output each frame at once.
 */
export function buildSps(params: SpsParams): Uint8Array {
  const { geometry, timing } = params;
  const w = new BitWriter(32);
  w.writeBits(PROFILE_IDC_BASELINE, 8);
  // constraint_set0_flag, constraint_set1_flag, constraint_set2..5 = 0, reserved_zero_2bits.
  w.writeBits(0b1100_0000, 8);
  w.writeBits(params.levelIdc, 8);
  w.writeUe(0); // seq_parameter_set_id
  w.writeUe(params.log2MaxFrameNum - 4); // log2_max_frame_num_minus4
  w.writeUe(2); // pic_order_cnt_type: POC follows decoding order, no POC fields in slice headers
  w.writeUe(1); // max_num_ref_frames
  w.writeBit(0); // gaps_in_frame_num_value_allowed_flag
  w.writeUe(geometry.widthMbs - 1); // pic_width_in_mbs_minus1
  w.writeUe(geometry.heightMbs - 1); // pic_height_in_map_units_minus1
  w.writeBit(1); // frame_mbs_only_flag
  w.writeBit(1); // direct_8x8_inference_flag
  const cropping = geometry.cropRight > 0 || geometry.cropBottom > 0;
  w.writeBit(cropping);
  if (cropping) {
    w.writeUe(0); // frame_crop_left_offset
    w.writeUe(geometry.cropRight);
    w.writeUe(0); // frame_crop_top_offset
    w.writeUe(geometry.cropBottom);
  }
  w.writeBit(1); // vui_parameters_present_flag
  writeVui(w, timing);
  w.writeTrailingBits();
  return nalUnit(3, NalUnitType.Sps, w.toBytes());
}

function writeVui(w: BitWriter, timing: SpsParams['timing']): void {
  w.writeBit(0); // aspect_ratio_info_present_flag (square pixels assumed)
  w.writeBit(0); // overscan_info_present_flag
  w.writeBit(0); // video_signal_type_present_flag (defaults: limited range, unspecified colour)
  w.writeBit(0); // chroma_loc_info_present_flag
  w.writeBit(1); // timing_info_present_flag
  w.writeBits(timing.numUnitsInTick, 32);
  w.writeBits(timing.timeScale, 32);
  w.writeBit(1); // fixed_frame_rate_flag
  w.writeBit(0); // nal_hrd_parameters_present_flag
  w.writeBit(0); // vcl_hrd_parameters_present_flag
  w.writeBit(0); // pic_struct_present_flag
  w.writeBit(1); // bitstream_restriction_flag
  w.writeBit(1); // motion_vectors_over_pic_boundaries_flag
  w.writeUe(0); // max_bytes_per_pic_denom (no limit)
  w.writeUe(0); // max_bits_per_mb_denom (no limit)
  w.writeUe(16); // log2_max_mv_length_horizontal
  w.writeUe(16); // log2_max_mv_length_vertical
  w.writeUe(0); // max_num_reorder_frames: output order = decoding order
  w.writeUe(1); // max_dec_frame_buffering: one reference frame
}
