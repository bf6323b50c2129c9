import t from 'tap';
import { H264Encoder } from '../../../../harness/devices/encoders/h264/index.js';

const colour = { y: 81, cb: 90, cr: 240 };

/** Bytes per whole second for a run of `seconds` at `fps`, with optional target changes at frames. */
function perSecondBytes(
  width: number,
  height: number,
  kbps: number,
  seconds: number,
  changes: Record<number, number> = {},
) {
  const fps = 30;
  const encoder = new H264Encoder({ width, height, fps, gopFrames: 60, targetBitrateKbps: kbps });
  const bytes: number[] = [];
  const problems: string[] = [];
  for (let i = 0; i < seconds * fps; i++) {
    if (changes[i] !== undefined) encoder.setTargetBitrate(changes[i]);
    const frame = encoder.encode({ colour, frameIndex: i });
    const sum = frame.nalus.reduce((s, n) => s + n.length + 4, 0);
    if (sum !== frame.byteLength) problems.push(`frame ${i}: byteLength ${frame.byteLength} != ${sum}`);
    const second = Math.floor(i / fps);
    bytes[second] = (bytes[second] ?? 0) + frame.byteLength;
  }
  return { kbps: bytes.map((b) => (b * 8) / 1000), problems };
}

function outside(kbps: number[], target: number, from = 0, to = kbps.length) {
  return kbps
    .slice(from, to)
    .map((v, i) => [i + from, v] as const)
    .filter(([, v]) => Math.abs(v - target) > target * 0.05)
    .map(([s, v]) => `second ${s}: ${v.toFixed(1)} kbps`);
}

for (const [width, height] of [
  [640, 360],
  [1920, 1080],
]) {
  for (const target of [200, 800, 2000]) {
    t.test(`${width}x${height} at ${target} kbps stays within 5% every second`, async (t) => {
      const { kbps, problems } = perSecondBytes(width, height, target, 8);
      t.same(problems, [], 'byteLength = Σ(nalu + 4)');
      t.same(outside(kbps, target), [], `per-second kbps: ${kbps.map((v) => v.toFixed(1)).join(', ')}`);
    });
  }
}

t.test('a target change mid-stream takes effect from the next frame', async (t) => {
  // 800 kbps, then 2000 from 3.5 s, then 200 from 6 s (1080p: the 200 kbps stretch includes IDRs).
  const { kbps } = perSecondBytes(1920, 1080, 800, 10, { 105: 2000, 180: 200 });
  t.same(outside(kbps, 800, 0, 3), []);
  t.same(outside(kbps, 2000, 4, 6), []);
  t.same(outside(kbps, 200, 6, 10), []);
});

t.test('a target below the natural size yields the natural stream, then recovers quickly', async (t) => {
  const { kbps } = perSecondBytes(640, 360, 10, 12, { 180: 1000 });
  t.ok(kbps[2] > 10, `natural size ${kbps[2].toFixed(1)} kbps exceeds the 10 kbps target`);
  t.same(outside(kbps, 1000, 7, 12), [], 'no long repayment of the earlier overshoot');
});

t.test('natural sizes: IDR and P frames', async (t) => {
  const sizes: Record<string, number[]> = {};
  for (const [width, height] of [
    [640, 360],
    [1280, 720],
    [1920, 1080],
  ]) {
    const encoder = new H264Encoder({ width, height, fps: 30, gopFrames: 60, targetBitrateKbps: 0 });
    sizes[`${width}x${height}`] = [0, 1].map((i) => encoder.encode({ colour, frameIndex: i }).byteLength);
  }
  t.comment(JSON.stringify(sizes));
  t.ok(sizes['640x360'][0] < 2000 && sizes['1920x1080'][0] < 10000, 'IDR sizes stay small');
  t.ok(sizes['1920x1080'][1] < 420, 'P frame = header + skip run + one PCM macroblock');
});
