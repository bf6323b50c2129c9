/**
 * FLV packaging of the reference pusher (public entry point): tag bodies as sent in RTMP audio/video/data
 * messages, and FLV file framing. Imports nothing from harness/: inputs are structural types.
 */
export {
  aacRawFrameBody,
  aacSequenceHeaderBody,
  FLV_AAC_SOUND_HEADER,
  FLV_AUDIO_CODEC_AAC,
} from './aac-packets.js';
export {
  type AvcAccessUnit,
  type AvcParameterSets,
  avcDecoderConfigurationRecord,
  avcNaluPacketBody,
  avcSequenceHeaderBody,
  FLV_VIDEO_CODEC_AVC,
} from './avc-packets.js';
export {
  encodeFlvHeader,
  encodeFlvTag,
  FLV_HEADER_BYTES,
  FLV_TAG_OVERHEAD_BYTES,
  FlvFileWriter,
  type FlvHeaderFlags,
} from './flv-file-writer.js';
export { FlvTagType } from './flv-tag-type.js';
export { type FlvStreamMetadata, type OnMetaDataOptions, onMetaDataBody } from './metadata.js';
