/**
 * Audio tag bodies for AAC (FLV spec v10.1 E.4.2.1 AUDIODATA with SoundFormat 10, AACAUDIODATA E.4.2.2),
 * exactly as carried in an FLV audio tag or an RTMP audio message (type 8).
 */

/** FLV SoundFormat of AAC. */
export const FLV_AUDIO_CODEC_AAC = 10;

/**
 * First byte of every AAC audio tag: SoundFormat 10, SoundRate 3 (44 kHz), SoundSize 1 (16-bit),
 * SoundType 1 (stereo). The spec fixes these for AAC whatever the real stream is; the decoder reads the
 * real rate and channels from the AudioSpecificConfig.
 */
export const FLV_AAC_SOUND_HEADER = (FLV_AUDIO_CODEC_AAC << 4) | (3 << 2) | (1 << 1) | 1; // 0xAF

const AAC_PACKET_SEQUENCE_HEADER = 0;
const AAC_PACKET_RAW = 1;

function aacBody(packetType: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + payload.length);
  out[0] = FLV_AAC_SOUND_HEADER;
  out[1] = packetType;
  out.set(payload, 2);
  return out;
}

/** Audio tag body carrying the AudioSpecificConfig: 0xAF 0x00 then the config bytes. */
export function aacSequenceHeaderBody(audioSpecificConfig: Uint8Array): Uint8Array {
  return aacBody(AAC_PACKET_SEQUENCE_HEADER, audioSpecificConfig);
}

/** Audio tag body carrying one raw AAC frame (no ADTS header): 0xAF 0x01 then the frame. */
export function aacRawFrameBody(frame: Uint8Array): Uint8Array {
  return aacBody(AAC_PACKET_RAW, frame);
}
