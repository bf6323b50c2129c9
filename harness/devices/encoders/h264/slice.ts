/**
 * Slice layer of the synthetic pictures (H.264 §7.3.3 slice header, §7.3.4 slice data, §7.3.5 macroblock
 * layer), CAVLC only.
 *
 * IDR: macroblock 0 is I_PCM in the flat colour; every other macroblock but the last is I_16x16 with DC
 * prediction and no residual, so the colour spreads through intra prediction; the last macroblock is the
 * I_PCM marker (last, so that it never feeds another macroblock's prediction).
 * P: one mb_skip_run over every macroblock but the last (P_Skip with zero motion copies the reference),
 * then the I_PCM marker in the same place.
 */
import { BitWriter } from '../bit-writer.js';
import type { H264Geometry } from './config.js';
import { NalUnitType, nalUnit } from './nal.js';

/** 8-bit Y, Cb, Cr sample values. */
export interface YCbCr {
  y: number;
  cb: number;
  cr: number;
}

/** Inputs common to both slice kinds. */
export interface SliceParams {
  geometry: H264Geometry;
  log2MaxFrameNum: number;
  /** Flat colour; in P slices only the marker's chroma uses it. */
  colour: YCbCr;
  /** Luma of every sample of the marker macroblock. */
  markerLuma: number;
}

// slice_type values 5..9 promise that every slice of the picture has the same type (§7.4.3).
const SLICE_TYPE_P_ALL = 5;
const SLICE_TYPE_I_ALL = 7;
const MB_TYPE_I_PCM_IN_I_SLICE = 25;
// In P slices intra mb_type values are offset by the 5 P macroblock types (Table 7-13).
const MB_TYPE_I_PCM_IN_P_SLICE = 5 + 25;
// I_16x16_2_0_0: Intra16x16PredMode 2 (DC), CodedBlockPatternChroma 0, CodedBlockPatternLuma 0 (Table 7-11).
// Followed by intra_chroma_pred_mode ue(0) = DC and mb_qp_delta se(0); together 0b00100_1_1 (7 bits).
const I16X16_DC_PREFIX = 0b0010011;
const I16X16_DC_PREFIX_BITS = 7;

/** Builds the IDR slice NAL unit (nal_ref_idc 3, type 5). `scratch`: as for {@link buildPSlice}. */
export function buildIdrSlice(params: SliceParams & { idrPicId: number }, scratch?: BitWriter): Uint8Array {
  const { geometry, colour } = params;
  const mbCount = geometry.widthMbs * geometry.heightMbs;
  const w = scratch?.reset() ?? new BitWriter(mbCount + 1024);
  w.writeUe(0); // first_mb_in_slice
  w.writeUe(SLICE_TYPE_I_ALL);
  w.writeUe(0); // pic_parameter_set_id
  w.writeBits(0, params.log2MaxFrameNum); // frame_num is 0 for IDR pictures
  w.writeUe(params.idrPicId);
  // dec_ref_pic_marking(): no_output_of_prior_pics_flag, long_term_reference_flag.
  w.writeBit(0);
  w.writeBit(0);
  w.writeSe(0); // slice_qp_delta
  w.writeUe(1); // disable_deblocking_filter_idc: off, so nothing smears the flat areas or the marker

  const last = mbCount - 1;
  for (let mb = 0; mb < mbCount; mb++) {
    if (mb === 0) {
      writePcm(w, MB_TYPE_I_PCM_IN_I_SLICE, colour.y, colour);
    } else if (mb === last) {
      writePcm(w, MB_TYPE_I_PCM_IN_I_SLICE, params.markerLuma, colour);
    } else {
      w.writeBits(I16X16_DC_PREFIX, I16X16_DC_PREFIX_BITS);
      writeEmptyCoeffToken(w, dcBlockNc(mb, geometry.widthMbs));
    }
  }
  w.writeTrailingBits();
  return nalUnit(3, NalUnitType.IdrSlice, w.view());
}

/**
 * Builds a reference P slice NAL unit (nal_ref_idc 2, type 1). `scratch` (reset here) saves allocating a
 * writer per frame: at 25 frames a second the allocations, not the bits, were the cost.
 */
export function buildPSlice(params: SliceParams & { frameNum: number }, scratch?: BitWriter): Uint8Array {
  const { geometry } = params;
  const mbCount = geometry.widthMbs * geometry.heightMbs;
  const w = scratch?.reset() ?? new BitWriter(448);
  w.writeUe(0); // first_mb_in_slice
  w.writeUe(SLICE_TYPE_P_ALL);
  w.writeUe(0); // pic_parameter_set_id
  w.writeBits(params.frameNum, params.log2MaxFrameNum);
  w.writeBit(0); // num_ref_idx_active_override_flag
  w.writeBit(0); // ref_pic_list_modification_flag_l0
  w.writeBit(0); // dec_ref_pic_marking(): adaptive_ref_pic_marking_mode_flag (sliding window)
  w.writeSe(0); // slice_qp_delta
  w.writeUe(1); // disable_deblocking_filter_idc
  w.writeUe(mbCount - 1); // mb_skip_run
  writePcm(w, MB_TYPE_I_PCM_IN_P_SLICE, params.markerLuma, params.colour);
  w.writeTrailingBits();
  return nalUnit(2, NalUnitType.NonIdrSlice, w.view());
}

function writePcm(w: BitWriter, mbType: number, luma: number, colour: YCbCr): void {
  w.writeUe(mbType);
  w.alignZero(); // pcm_alignment_zero_bit
  w.writeRepeatedByte(luma, 256);
  w.writeRepeatedByte(colour.cb, 64);
  w.writeRepeatedByte(colour.cr, 64);
}

/**
 * nC of the Intra16x16DCLevel block (§9.2.1): the left and upper neighbours' first 4x4 blocks count 16
 * when that neighbour is I_PCM (macroblock 0 here) and 0 when it is I_16x16 with CodedBlockPatternLuma 0.
 */
function dcBlockNc(mb: number, widthMbs: number): number {
  const x = mb % widthMbs;
  const leftAvailable = x > 0;
  const upAvailable = mb >= widthMbs;
  const nA = mb - 1 === 0 ? 16 : 0;
  const nB = mb - widthMbs === 0 ? 16 : 0;
  if (leftAvailable && upAvailable) return (nA + nB + 1) >> 1;
  if (leftAvailable) return nA;
  if (upAvailable) return nB;
  return 0;
}

/** coeff_token for TotalCoeff 0, TrailingOnes 0 (Table 9-5), by the nC range. */
function writeEmptyCoeffToken(w: BitWriter, nC: number): void {
  if (nC < 2) w.writeBits(0b1, 1);
  else if (nC < 4) w.writeBits(0b11, 2);
  else if (nC < 8) w.writeBits(0b1111, 4);
  else w.writeBits(0b000011, 6);
}
