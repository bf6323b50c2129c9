import t from 'tap';
import { H264Encoder, toAnnexB } from '../../../../harness/devices/encoders/h264/index.js';
import { decodeVideoFrames, probeMedia } from '../../../../harness/validation/ffprobe.js';

const COLOURS = [
  { y: 120, cb: 90, cr: 200 },
  { y: 200, cb: 128, cr: 128 },
  { y: 16, cb: 128, cr: 128 },
];

/** Annex B stream: SPS, PPS, then every frame; colour changes every `colourEvery` frames. */
function annexBStream(width: number, height: number, frames: number, gopFrames: number, colourEvery: number) {
  const encoder = new H264Encoder({ width, height, fps: 30, gopFrames, targetBitrateKbps: 800 });
  const nalus: Uint8Array[] = [encoder.sps(), encoder.pps()];
  const keyframes: number[] = [];
  for (let i = 0; i < frames; i++) {
    const colour = COLOURS[Math.floor(i / colourEvery) % COLOURS.length];
    const frame = encoder.encode({ colour, frameIndex: i });
    if (frame.keyframe) keyframes.push(i);
    nalus.push(...frame.nalus);
  }
  return { bytes: toAnnexB(nalus), keyframes };
}

for (const [width, height, frames] of [
  [640, 360, 45],
  [1280, 720, 30],
  [1920, 1080, 21],
  [480, 640, 40],
  [368, 640, 40],
]) {
  t.test(
    `${width}x${height} decodes with zero ffmpeg messages, flat colours and frame markers`,
    async (t) => {
      const { bytes, keyframes } = annexBStream(width, height, frames, 15, 20);
      t.same(
        keyframes,
        [0, 15, 20, 35, 40].filter((k) => k < frames),
        'IDR every GOP and on colour change',
      );

      const probe = await probeMedia({ bytes, format: 'h264' });
      t.same(probe.messages, [], 'ffprobe reports nothing');
      t.equal(probe.video?.codecName, 'h264');
      t.equal(probe.video?.profile, 'Constrained Baseline');
      t.equal(probe.video?.width, width);
      t.equal(probe.video?.height, height);
      t.equal(probe.video?.frameCount, frames);

      const decoded = await decodeVideoFrames({ bytes, format: 'h264' });
      t.same(decoded.messages, [], 'ffmpeg decode has zero stderr lines');
      t.equal(decoded.frames.length, frames);
      const mismatches: string[] = [];
      for (const f of decoded.frames) {
        const colour = COLOURS[Math.floor(f.index / 20) % COLOURS.length];
        if (f.flatYMin < colour.y - 2 || f.flatYMax > colour.y + 2) {
          mismatches.push(`frame ${f.index}: luma ${f.flatYMin}..${f.flatYMax}, expected ${colour.y}±2`);
        }
        if (Math.abs(f.flatCb - colour.cb) > 2 || Math.abs(f.flatCr - colour.cr) > 2) {
          mismatches.push(
            `frame ${f.index}: chroma ${f.flatCb}/${f.flatCr}, expected ${colour.cb}/${colour.cr}`,
          );
        }
        if (f.markerFrameIndexMod255 !== f.index % 255) {
          mismatches.push(`frame ${f.index}: marker reads ${f.markerFrameIndexMod255}`);
        }
      }
      t.same(mismatches, [], 'every frame shows its colour and its marker');
    },
  );
}

t.test('frame_num and the marker wrap cleanly over 300 frames in one GOP', async (t) => {
  const { bytes } = annexBStream(64, 48, 300, 1000, 1000);
  const decoded = await decodeVideoFrames({ bytes, format: 'h264' });
  t.same(decoded.messages, []);
  t.equal(decoded.frames.length, 300);
  t.same(
    decoded.frames.filter((f) => f.markerFrameIndexMod255 !== f.index % 255).map((f) => f.index),
    [],
    'marker = (index mod 255) + 1 for every frame',
  );
  t.equal(decoded.frames[299].markerY, (299 % 255) + 1);
});
