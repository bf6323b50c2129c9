import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import {
  AacEncoder,
  audioSpecificConfig,
  silentRawFrame,
} from '../../../../harness/devices/encoders/aac/index.js';
import { decodeErrors, FFMPEG_PATH, probeMedia } from '../../../../harness/validation/ffprobe.js';
import { syntheticFlv } from '../../../src/flv/synthetic-flv.js';
import { BitReader } from './bit-reader.js';

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

t.test('AudioSpecificConfig bytes for every supported rate and channel count', async (t) => {
  t.equal(hex(audioSpecificConfig(48000, 1)), '1188');
  t.equal(hex(audioSpecificConfig(48000, 2)), '1190');
  t.equal(hex(audioSpecificConfig(44100, 1)), '1208');
  t.equal(hex(audioSpecificConfig(44100, 2)), '1210');
  t.equal(hex(audioSpecificConfig(16000, 1)), '1408');
  t.equal(hex(audioSpecificConfig(16000, 2)), '1410');
});

t.test('silent frames are the known minimal bytes; padding hits every exact size', async (t) => {
  t.equal(hex(silentRawFrame(1)), '00000007');
  t.equal(hex(silentRawFrame(2)), '21000000001c');
  const wrong: string[] = [];
  for (const size of [...Array.from({ length: 400 }, (_, i) => i + 6), 1000, 2176, 2177, 4095, 9999]) {
    for (const channels of [1, 2] as const) {
      const frame = silentRawFrame(channels, size);
      if (frame.length !== size) wrong.push(`${channels}ch ${size} -> ${frame.length}`);
      const problem = checkFrameSyntax(frame, channels);
      if (problem) wrong.push(`${channels}ch ${size}: ${problem}`);
    }
  }
  t.same(wrong, []);
});

t.test('unsupported configuration throws an error naming the field', async (t) => {
  t.throws(
    () => new AacEncoder({ sampleRate: 22050 as never, channels: 1, targetBitrateKbps: 32 }),
    /sampleRate is 22050/,
  );
  t.throws(
    () => new AacEncoder({ sampleRate: 48000, channels: 6 as never, targetBitrateKbps: 32 }),
    /channels is 6/,
  );
  t.throws(
    () => new AacEncoder({ sampleRate: 48000, channels: 1, targetBitrateKbps: -5 }),
    /targetBitrateKbps is -5/,
  );
});

t.test('frame duration is 1024 samples', async (t) => {
  t.equal(new AacEncoder({ sampleRate: 16000, channels: 1, targetBitrateKbps: 0 }).frameDurationMs, 64);
  t.equal(
    new AacEncoder({ sampleRate: 48000, channels: 1, targetBitrateKbps: 0 }).frameDurationMs,
    1024 / 48,
  );
});

for (const sampleRate of [16000, 48000] as const) {
  for (const channels of [1, 2] as const) {
    const kbps = sampleRate === 16000 ? 24 : 64;
    t.test(
      `${sampleRate} Hz ${channels}ch at ${kbps} kbps decodes to silence with zero errors`,
      async (t) => {
        const frames = Math.ceil((3 * sampleRate) / 1024);
        const { bytes, audioFrameBytes } = syntheticFlv({
          audio: { sampleRate, channels, targetBitrateKbps: kbps, frames },
        });
        const probe = await probeMedia({ bytes, format: 'flv' });
        t.same(probe.messages, []);
        t.match(probe.audio, { codecName: 'aac', profile: 'LC', sampleRate, channels, frameCount: frames });
        t.same(await decodeErrors({ bytes, format: 'flv' }), []);
        t.equal(await peakSample(bytes), 0, 'every decoded sample is 0');

        // Per ~1 s window of whole frames, bitrate = bits / (frames × 1024 / sampleRate).
        const window = Math.round(sampleRate / 1024);
        const off: string[] = [];
        for (let start = 0; start + window <= audioFrameBytes.length; start += window) {
          const sum = audioFrameBytes.slice(start, start + window).reduce((s, b) => s + b, 0);
          const rate = (sum * 8) / ((window * 1024) / sampleRate) / 1000;
          if (Math.abs(rate - kbps) > kbps * 0.05) off.push(`frames ${start}..: ${rate.toFixed(2)} kbps`);
        }
        t.same(off, [], 'padded bitrate within 5% of target');
      },
    );
  }
}

async function peakSample(flv: Uint8Array): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'lpc-aac-'));
  try {
    const file = join(dir, 'a.flv');
    await writeFile(file, flv);
    const { stdout } = await promisify(execFile)(
      FFMPEG_PATH,
      ['-nostdin', '-v', 'error', '-i', file, '-f', 's16le', '-acodec', 'pcm_s16le', '-'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 20_000 },
    );
    let peak = 0;
    for (let i = 0; i + 1 < stdout.length; i += 2) peak = Math.max(peak, Math.abs(stdout.readInt16LE(i)));
    return stdout.length > 0 ? peak : -1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Walks a raw_data_block (ISO/IEC 14496-3 §4.4.2.1) as written for silence: the SCE/CPE, then fill
 * elements, then ID_END and fewer than 8 zero alignment bits. Returns a problem description or ''.
 */
function checkFrameSyntax(frame: Uint8Array, channels: 1 | 2): string {
  const r = new BitReader(frame);
  r.readBits(channels === 1 ? 29 : 43);
  for (;;) {
    const id = r.readBits(3);
    if (id === 7) break;
    if (id !== 6) return `element id ${id} where ID_FIL or ID_END was expected`;
    let count = r.readBits(4);
    if (count === 15) count += r.readBits(8) - 1;
    if (count === 0) continue;
    const type = r.readBits(4);
    if (type === 0xd || type === 0xe) return `fill extension_type ${type} (SBR)`;
    r.readBits(4 + 8 * (count - 1));
  }
  if (r.bitsLeft >= 8) return `${r.bitsLeft} bits after ID_END`;
  if (r.bitsLeft > 0 && r.readBits(r.bitsLeft) !== 0) return 'non-zero alignment bits';
  return '';
}
