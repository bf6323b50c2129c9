import t from 'tap';
import { decodeErrors, decodeVideoFrames, probeMedia } from '../../../harness/validation/ffprobe.js';
import {
  aacRawFrameBody,
  aacSequenceHeaderBody,
  avcDecoderConfigurationRecord,
  avcNaluPacketBody,
  encodeFlvHeader,
  encodeFlvTag,
  FlvTagType,
  onMetaDataBody,
} from '../../../src/flv/index.js';
import { decodeAmf0 } from '../../../src/rtmp/amf0.js';
import { syntheticFlv } from './synthetic-flv.js';

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

t.test('FLV header and tag framing follow the FLV spec', async (t) => {
  t.equal(hex(encodeFlvHeader({ hasAudio: true, hasVideo: true })), '464c5601050000000900000000');
  t.equal(hex(encodeFlvHeader({ hasAudio: false, hasVideo: true })), '464c5601010000000900000000');
  const tag = encodeFlvTag(FlvTagType.Audio, 0x12345678, Uint8Array.from([0xaf, 1, 7]));
  t.equal(
    hex(tag),
    '08' + '000003' + '345678' + '12' + '000000' + 'af0107' + '0000000e',
    'extended timestamp byte',
  );
  t.throws(() => encodeFlvTag(FlvTagType.Video, -1, new Uint8Array(0)), /timestampMs is -1/);
});

t.test('AVC and AAC bodies carry the packet types and AVCC lengths', async (t) => {
  const sps = Uint8Array.from([0x67, 66, 0xc0, 30, 0xda]);
  const pps = Uint8Array.from([0x68, 0xce, 0x38, 0x80]);
  t.equal(
    hex(avcDecoderConfigurationRecord({ sps, pps })),
    '0142c01effe1000567' + '42c01eda' + '01000468ce3880',
  );
  const body = avcNaluPacketBody({
    keyframe: false,
    nalus: [Uint8Array.from([0x41, 0x9a]), Uint8Array.from([0x0c, 0x80])],
  });
  t.equal(hex(body), '2701000000' + '00000002419a' + '000000020c80');
  t.equal(avcNaluPacketBody({ keyframe: true, nalus: [] })[0], 0x17);
  t.equal(hex(aacSequenceHeaderBody(Uint8Array.from([0x11, 0x88]))), 'af001188');
  t.equal(hex(aacRawFrameBody(Uint8Array.from([0, 0, 0, 7]))), 'af0100000007');
});

t.test('onMetaData is an AMF0 ECMA array with the stream parameters', async (t) => {
  const body = onMetaDataBody(
    {
      encoder: 'lpc',
      video: { width: 640, height: 360, framerate: 30, datarateKbps: 800 },
      audio: { sampleRate: 48000, channels: 2, datarateKbps: 64 },
    },
    { setDataFrame: true },
  );
  const [setDataFrame, name, array] = decodeAmf0(body) as [
    string,
    string,
    { entries: Record<string, unknown> },
  ];
  t.equal(setDataFrame, '@setDataFrame');
  t.equal(name, 'onMetaData');
  t.same(array.entries, {
    width: 640,
    height: 360,
    framerate: 30,
    videodatarate: 800,
    videocodecid: 7,
    audiodatarate: 64,
    audiosamplerate: 48000,
    audiosamplesize: 16,
    stereo: true,
    audiocodecid: 10,
    encoder: 'lpc',
  });
});

t.test('a 60-frame H.264 + AAC FLV probes correctly and decodes with no errors', async (t) => {
  const flv = syntheticFlv({
    video: { width: 640, height: 360, fps: 30, frames: 60, kbps: 800 },
    audio: { sampleRate: 44100, channels: 2, targetBitrateKbps: 64, frames: 87 },
  });
  const bytes = flv.bytes;
  const probe = await probeMedia({ bytes, format: 'flv' });
  t.same(probe.messages, []);
  t.equal(probe.formatName, 'flv');
  t.match(probe.video, {
    codecName: 'h264',
    profile: 'Constrained Baseline',
    width: 640,
    height: 360,
    frameCount: 60,
    frameRate: 30,
  });
  t.match(probe.audio, { codecName: 'aac', profile: 'LC', sampleRate: 44100, channels: 2, frameCount: 87 });
  t.same(await decodeErrors({ bytes, format: 'flv' }), [], 'ffmpeg -v error prints nothing');
  const decoded = await decodeVideoFrames({ bytes, format: 'flv' });
  t.same(decoded.messages, []);
  t.same(
    decoded.frames.map((f) => f.markerFrameIndexMod255),
    Array.from({ length: 60 }, (_, i) => i),
    'frames arrive in order with their markers',
  );
});

t.test('a resolution change mid-file (new sequence header) decodes cleanly', async (t) => {
  const { bytes } = syntheticFlv({
    video: { width: 640, height: 360, fps: 30, frames: 60, kbps: 500 },
    audio: { sampleRate: 48000, channels: 1, targetBitrateKbps: 32, frames: 90 },
    resize: { atFrame: 30, width: 1280, height: 720 },
  });
  t.same(await decodeErrors({ bytes, format: 'flv' }), []);
  const probe = await probeMedia({ bytes, format: 'flv' });
  t.same(probe.messages, []);
  t.equal(probe.video?.frameCount, 60);
});
