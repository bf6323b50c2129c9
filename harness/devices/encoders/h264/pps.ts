/**
 * Picture parameter set (H.264 §7.3.2.2).
 */
import { BitWriter } from '../bit-writer.js';
import { NalUnitType, nalUnit } from './nal.js';

/**
 * Builds the PPS NAL unit (header 0x68 included): id 0 referring to SPS 0, CAVLC, one slice group,
 * one active reference, QP 26, deblocking_filter_control_present_flag 1 (slices turn the filter off).
 */
export function buildPps(): Uint8Array {
  const w = new BitWriter(8);
  w.writeUe(0); // pic_parameter_set_id
  w.writeUe(0); // seq_parameter_set_id
  w.writeBit(0); // entropy_coding_mode_flag: CAVLC
  w.writeBit(0); // bottom_field_pic_order_in_frame_present_flag
  w.writeUe(0); // num_slice_groups_minus1
  w.writeUe(0); // num_ref_idx_l0_default_active_minus1
  w.writeUe(0); // num_ref_idx_l1_default_active_minus1
  w.writeBit(0); // weighted_pred_flag
  w.writeBits(0, 2); // weighted_bipred_idc
  w.writeSe(0); // pic_init_qp_minus26
  w.writeSe(0); // pic_init_qs_minus26
  w.writeSe(0); // chroma_qp_index_offset
  w.writeBit(1); // deblocking_filter_control_present_flag
  w.writeBit(0); // constrained_intra_pred_flag
  w.writeBit(0); // redundant_pic_cnt_present_flag
  w.writeTrailingBits();
  return nalUnit(3, NalUnitType.Pps, w.toBytes());
}
