import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  decodeErrors,
  decodeVideoFrames,
  MediaValidationError,
  markerRect,
  probeMedia,
  yuvFrameStats,
} from '../../../harness/validation/ffprobe.js';
import { syntheticFlv } from '../../src/flv/synthetic-flv.js';

t.test('markerRect is the last macroblock, cropped to the visible size', async (t) => {
  t.same(markerRect(640, 360), { x0: 624, y0: 352, x1: 640, y1: 360 });
  t.same(markerRect(1280, 720), { x0: 1264, y0: 704, x1: 1280, y1: 720 });
  t.same(markerRect(362, 640), { x0: 352, y0: 624, x1: 362, y1: 640 });
});

t.test('yuvFrameStats separates the flat area from the marker', async (t) => {
  const width = 64;
  const height = 40;
  const frame = new Uint8Array(width * height * 1.5);
  frame.fill(50, 0, width * height);
  frame.fill(100, width * height, width * height * 1.25);
  frame.fill(150, width * height * 1.25);
  for (let y = 32; y < 40; y++) frame.fill(8, y * width + 48, y * width + 64);
  t.same(yuvFrameStats(frame, width, height, 3), {
    index: 3,
    flatY: 50,
    flatYMin: 50,
    flatYMax: 50,
    flatCb: 100,
    flatCr: 150,
    markerY: 8,
    markerFrameIndexMod255: 7,
  });
});

t.test('a clean FLV given as a path probes and decodes without messages', async (t) => {
  const { bytes } = syntheticFlv({
    video: { width: 320, height: 240, fps: 25, frames: 20, kbps: 300 },
    colour: { y: 235, cb: 128, cr: 128 },
  });
  const dir = await mkdtemp(join(tmpdir(), 'lpc-probe-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'clean.flv');
  await writeFile(file, bytes);
  const probe = await probeMedia(file);
  t.match(probe, {
    formatName: 'flv',
    messages: [],
    video: { width: 320, height: 240, frameCount: 20, frameRate: 25 },
  });
  t.equal(probe.audio, undefined);
  t.same(await decodeErrors(file), []);
  const decoded = await decodeVideoFrames(file);
  t.equal(decoded.frames.length, 20);
  t.same(
    decoded.frames.map((f) => [f.flatY, f.markerFrameIndexMod255]),
    Array.from({ length: 20 }, (_, i) => [235, i]),
  );
});

t.test('a corrupted IDR produces decoder error lines (ffmpeg itself exits 0)', async (t) => {
  const { bytes } = syntheticFlv({ video: { width: 320, height: 240, fps: 25, frames: 10, kbps: 300 } });
  const corrupt = bytes.slice();
  // The first NALU packet (the IDR) follows the metadata and sequence-header tags; garble its
  // macroblock layer, well past the slice header and the first I_PCM macroblock.
  const idrTag = findNthVideoTag(corrupt, 1);
  corrupt.fill(0xff, idrTag + 11 + 5 + 4 + 420, idrTag + 11 + 5 + 4 + 440);
  const errors = await decodeErrors({ bytes: corrupt, format: 'flv' });
  t.ok(errors.length > 0, `stderr lines: ${JSON.stringify(errors.slice(0, 3))}`);
});

t.test('failures of the machinery name the stage and the file', async (t) => {
  const missing = join(tmpdir(), 'lpc-definitely-missing.flv');
  const error = await probeMedia(missing).catch((e: unknown) => e);
  t.type(error, MediaValidationError);
  t.match(error, {
    stage: 'ffprobe',
    file: missing,
    message: /Failed to run ffprobe on .*lpc-definitely-missing\.flv/,
  });
  const noVideo = syntheticFlv({
    audio: { sampleRate: 48000, channels: 1, targetBitrateKbps: 32, frames: 5 },
  });
  const noVideoError = await decodeVideoFrames({ bytes: noVideo.bytes, format: 'flv' }).catch(
    (e: unknown) => e,
  );
  t.match(noVideoError, { stage: 'ffmpeg-rawvideo', message: /no video stream/ });
});

/** Offset of the n-th (0-based) video tag in an FLV file. */
function findNthVideoTag(flv: Uint8Array, n: number): number {
  let offset = 13;
  let seen = 0;
  while (offset + 11 <= flv.length) {
    const size = (flv[offset + 1] << 16) | (flv[offset + 2] << 8) | flv[offset + 3];
    if (flv[offset] === 9) {
      if (seen === n) return offset;
      seen += 1;
    }
    offset += 11 + size + 4;
  }
  throw new Error(`video tag ${n} not found`);
}
