/**
 * Video tag bodies for H.264 (FLV spec v10.1 E.4.3.1 VIDEODATA with CodecID 7, AVCVIDEOPACKET E.4.3.2),
 * exactly as carried in an FLV video tag or an RTMP video message (type 9).
 */
import type { ByteSlab } from '../bytes/byte-slab.js';
import { RtmpError } from '../rtmp/rtmp-error.js';

/** FLV CodecID of AVC/H.264. */
export const FLV_VIDEO_CODEC_AVC = 7;

/** SPS and PPS NAL units, without start codes or length prefixes (header byte included). */
export interface AvcParameterSets {
  sps: Uint8Array;
  pps: Uint8Array;
}

/** One access unit: NAL units without start codes (emulation prevention already applied). */
export interface AvcAccessUnit {
  keyframe: boolean;
  nalus: readonly Uint8Array[];
}

const AVC_PACKET_SEQUENCE_HEADER = 0;
const AVC_PACKET_NALU = 1;
const FRAME_TYPE_KEY = 1;
const FRAME_TYPE_INTER = 2;

/**
 * AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.2.4.1): version 1, profile/compatibility/level
 * copied from SPS bytes 1..3, lengthSizeMinusOne 3 (4-byte NAL lengths), one SPS, one PPS.
 */
export function avcDecoderConfigurationRecord(sets: AvcParameterSets): Uint8Array {
  const { sps, pps } = sets;
  if (sps.length < 4 || (sps[0] & 0x1f) !== 7) {
    throw new RtmpError('PROTOCOL', `Failed to build AVC sequence header: sps is not an SPS NAL unit`, {
      spsLength: sps.length,
      nalHeader: sps[0],
    });
  }
  if (pps.length < 2 || (pps[0] & 0x1f) !== 8) {
    throw new RtmpError('PROTOCOL', `Failed to build AVC sequence header: pps is not a PPS NAL unit`, {
      ppsLength: pps.length,
      nalHeader: pps[0],
    });
  }
  if (sps.length > 0xffff || pps.length > 0xffff) {
    throw new RtmpError(
      'PROTOCOL',
      'Failed to build AVC sequence header: a parameter set exceeds 65535 bytes',
      {
        spsLength: sps.length,
        ppsLength: pps.length,
      },
    );
  }
  const out = new Uint8Array(11 + sps.length + pps.length);
  out[0] = 1; // configurationVersion
  out[1] = sps[1]; // AVCProfileIndication
  out[2] = sps[2]; // profile_compatibility
  out[3] = sps[3]; // AVCLevelIndication
  out[4] = 0xfc | 3; // reserved '111111' + lengthSizeMinusOne
  out[5] = 0xe0 | 1; // reserved '111' + numOfSequenceParameterSets
  out[6] = sps.length >>> 8;
  out[7] = sps.length & 0xff;
  out.set(sps, 8);
  let offset = 8 + sps.length;
  out[offset++] = 1; // numOfPictureParameterSets
  out[offset++] = pps.length >>> 8;
  out[offset++] = pps.length & 0xff;
  out.set(pps, offset);
  return out;
}

/** Video tag body carrying the sequence header: 0x17, AVCPacketType 0, CompositionTime 0, the record. */
export function avcSequenceHeaderBody(sets: AvcParameterSets): Uint8Array {
  const record = avcDecoderConfigurationRecord(sets);
  const out = new Uint8Array(5 + record.length);
  out[0] = (FRAME_TYPE_KEY << 4) | FLV_VIDEO_CODEC_AVC;
  out[1] = AVC_PACKET_SEQUENCE_HEADER;
  out.set(record, 5);
  return out;
}

/**
 * Video tag body carrying one access unit: FrameType 1 (key) or 2 (inter) with CodecID 7, AVCPacketType 1,
 * CompositionTime (SI24, ms; 0 for streams without B-frames), then each NAL unit as a 4-byte big-endian
 * length followed by its bytes. Size: 5 + Σ(4 + nalu.length). With a `slab`, the body is a view carved
 * from it (a sender that builds many bodies saves an ArrayBuffer each).
 */
export function avcNaluPacketBody(unit: AvcAccessUnit, compositionTimeMs = 0, slab?: ByteSlab): Uint8Array {
  if (!Number.isInteger(compositionTimeMs) || compositionTimeMs < -0x800000 || compositionTimeMs > 0x7fffff) {
    throw new RtmpError(
      'PROTOCOL',
      `Failed to build AVC NALU packet: compositionTimeMs is ${compositionTimeMs}, expected a signed 24-bit integer`,
      { compositionTimeMs },
    );
  }
  let length = 5;
  for (const nalu of unit.nalus) length += 4 + nalu.length;
  const out = slab ? slab.allocate(length) : new Uint8Array(length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = ((unit.keyframe ? FRAME_TYPE_KEY : FRAME_TYPE_INTER) << 4) | FLV_VIDEO_CODEC_AVC;
  out[1] = AVC_PACKET_NALU;
  const cts = compositionTimeMs & 0xffffff;
  out[2] = cts >>> 16;
  out[3] = (cts >>> 8) & 0xff;
  out[4] = cts & 0xff;
  let offset = 5;
  for (const nalu of unit.nalus) {
    view.setUint32(offset, nalu.length);
    out.set(nalu, offset + 4);
    offset += 4 + nalu.length;
  }
  return out;
}
