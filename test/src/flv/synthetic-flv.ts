/**
 * Test helper: an FLV file of synthetic H.264 + AAC made with src/flv, interleaved by timestamp.
 */
import { AacEncoder, type AacEncoderConfig } from '../../../harness/devices/encoders/aac/index.js';
import { H264Encoder } from '../../../harness/devices/encoders/h264/index.js';
import {
  aacRawFrameBody,
  aacSequenceHeaderBody,
  avcNaluPacketBody,
  avcSequenceHeaderBody,
  FlvFileWriter,
  FlvTagType,
  onMetaDataBody,
} from '../../../src/flv/index.js';

export interface SyntheticFlvOptions {
  video?: { width: number; height: number; fps: number; frames: number; kbps: number; gopFrames?: number };
  audio?: AacEncoderConfig & { frames: number };
  /** From this video frame on, encode at this size (new encoder, new sequence header, IDR). */
  resize?: { atFrame: number; width: number; height: number };
  colour?: { y: number; cb: number; cr: number };
}

export interface SyntheticFlv {
  bytes: Uint8Array;
  videoBytes: number;
  audioFrameBytes: number[];
}

export function syntheticFlv(options: SyntheticFlvOptions): SyntheticFlv {
  const { video, audio } = options;
  const writer = new FlvFileWriter({ hasAudio: audio !== undefined, hasVideo: video !== undefined });
  writer.writeTag(
    FlvTagType.Script,
    0,
    onMetaDataBody({
      encoder: 'lpc-test',
      video: video && {
        width: video.width,
        height: video.height,
        framerate: video.fps,
        datarateKbps: video.kbps,
      },
      audio: audio && {
        sampleRate: audio.sampleRate,
        channels: audio.channels,
        datarateKbps: audio.targetBitrateKbps,
      },
    }),
  );
  const colour = options.colour ?? { y: 100, cb: 110, cr: 140 };
  let h264 = video && newVideoEncoder(video, video.width, video.height);
  const aac = audio && new AacEncoder(audio);
  if (h264) writer.writeTag(FlvTagType.Video, 0, avcSequenceHeaderBody({ sps: h264.sps(), pps: h264.pps() }));
  if (aac) writer.writeTag(FlvTagType.Audio, 0, aacSequenceHeaderBody(aac.audioSpecificConfig()));
  let v = 0;
  let a = 0;
  let videoBytes = 0;
  const audioFrameBytes: number[] = [];
  const videoTime = (i: number) => (video ? Math.round((i * 1000) / video.fps) : Number.POSITIVE_INFINITY);
  const audioTime = (i: number) => (aac ? Math.round(i * aac.frameDurationMs) : Number.POSITIVE_INFINITY);
  while ((video && v < video.frames) || (audio && a < audio.frames)) {
    const nextVideo = video && h264 && v < video.frames ? videoTime(v) : Number.POSITIVE_INFINITY;
    const nextAudio = audio && aac && a < audio.frames ? audioTime(a) : Number.POSITIVE_INFINITY;
    if (nextVideo <= nextAudio && video && h264) {
      if (options.resize && options.resize.atFrame === v) {
        h264 = newVideoEncoder(video, options.resize.width, options.resize.height);
        writer.writeTag(
          FlvTagType.Video,
          nextVideo,
          avcSequenceHeaderBody({ sps: h264.sps(), pps: h264.pps() }),
        );
      }
      const frame = h264.encode({ colour, frameIndex: v });
      videoBytes += frame.byteLength;
      writer.writeTag(FlvTagType.Video, nextVideo, avcNaluPacketBody(frame));
      v += 1;
    } else if (aac) {
      const frame = aac.encodeFrame();
      audioFrameBytes.push(frame.length);
      writer.writeTag(FlvTagType.Audio, nextAudio, aacRawFrameBody(frame));
      a += 1;
    }
  }
  return { bytes: writer.toBytes(), videoBytes, audioFrameBytes };
}

function newVideoEncoder(video: NonNullable<SyntheticFlvOptions['video']>, width: number, height: number) {
  return new H264Encoder({
    width,
    height,
    fps: video.fps,
    gopFrames: video.gopFrames ?? 30,
    targetBitrateKbps: video.kbps,
  });
}
