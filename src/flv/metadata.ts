/**
 * onMetaData script data (FLV spec v10.1 E.5 SCRIPTDATA, "onMetaData" E.5.1), as written at the start of
 * an FLV file or sent in an RTMP data message (type 18) behind `@setDataFrame`.
 */
import { Amf0EcmaArray, type Amf0Object, encodeAmf0 } from '../rtmp/amf0.js';
import { FLV_AUDIO_CODEC_AAC } from './aac-packets.js';
import { FLV_VIDEO_CODEC_AVC } from './avc-packets.js';

/** What the stream carries. Bitrates in kbit/s, rates in Hz, sizes in pixels. */
export interface FlvStreamMetadata {
  video?: { width: number; height: number; framerate: number; datarateKbps: number };
  audio?: { sampleRate: number; channels: 1 | 2; datarateKbps: number };
  /** Free text naming the encoder (e.g. "lpc-reference-pusher"). */
  encoder: string;
}

/** Options of {@link onMetaDataBody}. */
export interface OnMetaDataOptions {
  /** Prefix the `@setDataFrame` string, as a publisher sends it over RTMP. Default false (FLV file form). */
  setDataFrame?: boolean;
}

/**
 * The AMF0 values `"onMetaData", ECMA array{…}` (preceded by `"@setDataFrame"` when asked). Keys, in order:
 * width, height, framerate, videodatarate, videocodecid 7 (with video); audiodatarate, audiosamplerate,
 * audiosamplesize 16, stereo, audiocodecid 10 (with audio); encoder.
 */
export function onMetaDataBody(metadata: FlvStreamMetadata, options: OnMetaDataOptions = {}): Uint8Array {
  const entries: Amf0Object = {};
  if (metadata.video) {
    entries.width = metadata.video.width;
    entries.height = metadata.video.height;
    entries.framerate = metadata.video.framerate;
    entries.videodatarate = metadata.video.datarateKbps;
    entries.videocodecid = FLV_VIDEO_CODEC_AVC;
  }
  if (metadata.audio) {
    entries.audiodatarate = metadata.audio.datarateKbps;
    entries.audiosamplerate = metadata.audio.sampleRate;
    entries.audiosamplesize = 16;
    entries.stereo = metadata.audio.channels === 2;
    entries.audiocodecid = FLV_AUDIO_CODEC_AAC;
  }
  entries.encoder = metadata.encoder;
  const values = options.setDataFrame ? ['@setDataFrame', 'onMetaData'] : ['onMetaData'];
  return encodeAmf0([...values, new Amf0EcmaArray(entries)]);
}
