import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  bitrateSeries,
  buildFlvTimeline,
  type FlvTimeline,
  FlvTimelineBuilder,
  loadFlvDemuxer,
} from '../../../harness/observer/flv-demux.js';
import { concatFlv, encodeFlv, type ProbeResult, probe } from './helpers/flv-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'flv-demux-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// 4 s of 640x360@25 H.264 baseline + 48 kHz mono AAC, as in issue 4.
const file = encodeFlv(dir, 'main.flv', { width: 640, height: 360, seconds: 4 });
const probed: ProbeResult = probe(join(dir, 'main.flv'));
const probedVideo = probed.packets.filter((p) => p.codec_type === 'video');
const probedAudio = probed.packets.filter((p) => p.codec_type === 'audio');

function frames(kind: 'video' | 'audio'): number {
  return Number(probed.streams.find((s) => s.codec_type === kind)?.nb_read_frames);
}

function ms(seconds: string): number {
  return Math.round(Number(seconds) * 1000);
}

t.test('the tag layer matches what ffprobe reads, frame for frame', async (t) => {
  const tl = await buildFlvTimeline(file);
  t.same(tl.errors, []);
  t.same(tl.header, { hasVideo: true, hasAudio: true });
  t.equal(tl.bytes, file.byteLength);
  // Every byte accounted for: 13-byte file header, then 11 + dataSize + 4 per tag.
  t.equal(13 + tl.tags.reduce((n, tag) => n + 15 + tag.dataSize, 0), file.byteLength);

  const videoNalu = tl.tags.filter((tag) => tag.type === 'video' && tag.avcPacketType === 1);
  const audioRaw = tl.tags.filter((tag) => tag.type === 'audio' && tag.aacPacketType === 1);
  t.equal(videoNalu.length, frames('video'));
  t.equal(audioRaw.length, frames('audio'));
  t.equal(videoNalu.length, 100);

  // Same timestamps, composition offsets and payload sizes as ffprobe's packets (FLV video header: 5 bytes,
  // AAC header: 2 bytes).
  t.same(
    videoNalu.map((tag) => [
      tag.timestampMs,
      tag.timestampMs + (tag.compositionTimeMs ?? 0),
      tag.dataSize - 5,
    ]),
    probedVideo.map((p) => [ms(p.dts_time), ms(p.pts_time), Number(p.size)]),
  );
  t.same(
    videoNalu.map((tag) => tag.keyframe),
    probedVideo.map((p) => p.flags.startsWith('K')),
  );
  t.same(
    audioRaw.map((tag) => [tag.timestampMs, tag.dataSize - 2]),
    probedAudio.map((p) => [ms(p.dts_time), Number(p.size)]),
  );
});

t.test('timestamps are monotonic per track and flv.js passes them through unchanged', async (t) => {
  const tl = await buildFlvTimeline(file);
  for (const kind of ['video', 'audio'] as const) {
    const ts = tl.tags.filter((tag) => tag.type === kind).map((tag) => tag.timestampMs);
    t.ok(
      ts.every((x, i) => i === 0 || x >= ts[i - 1]),
      `${kind} tag timestamps never go backwards`,
    );
  }
  t.same(
    tl.videoSamples.map((s) => [s.dts, s.pts, s.cts]),
    tl.tags
      .filter((tag) => tag.avcPacketType === 1)
      .map((tag) => [tag.timestampMs, tag.timestampMs + tag.compositionTimeMs!, tag.compositionTimeMs]),
  );
  t.same(
    tl.audioSamples.map((s) => [s.dts, s.size]),
    tl.tags.filter((tag) => tag.aacPacketType === 1).map((tag) => [tag.timestampMs, tag.dataSize - 2]),
  );
  t.same(
    tl.videoSamples.map((s) => s.size),
    tl.tags.filter((tag) => tag.avcPacketType === 1).map((tag) => tag.dataSize - 5),
  );
});

t.test('the stream opens with onMetaData, then a sequence header, then a keyframe', async (t) => {
  const tl = await buildFlvTimeline(file);
  t.match(tl.tags[0], { type: 'script', scriptName: 'onMetaData', flvjsOnMetaData: true });
  t.match(tl.tags[0].scriptValue, { width: 640, height: 360, audiosamplerate: 48000 });
  t.same(tl.metadata, [tl.tags[0].scriptValue]);

  const video = tl.tags.filter((tag) => tag.type === 'video');
  t.match(video[0], { avcPacketType: 0, codecId: 7, keyframe: true });
  t.match(video[1], { avcPacketType: 1, keyframe: true });
  t.equal(tl.videoSamples[0].keyframe, true);
  // ffmpeg ends the file with an AVC end-of-sequence tag, which flv.js ignores.
  t.match(video.at(-1), { avcPacketType: 2, dataSize: 5 });
  t.equal(tl.videoSamples.length, frames('video'));
  t.equal(tl.audioSamples.length, frames('audio'));
});

t.test('flv.js reports the decoder configurations at their sequence headers', async (t) => {
  const tl = await buildFlvTimeline(file);
  const videoHeader = tl.tags.find((tag) => tag.avcPacketType === 0)!;
  const audioHeader = tl.tags.find((tag) => tag.aacPacketType === 0)!;
  t.same(tl.videoConfigs, [
    {
      atTagIndex: videoHeader.index,
      width: 640,
      height: 360,
      profile: 'Baseline',
      level: '3.0',
      codec: 'avc1.42c01e',
    },
  ]);
  t.same(tl.audioConfigs, [
    { atTagIndex: audioHeader.index, sampleRate: 48000, channels: 1, codec: 'mp4a.40.2' },
  ]);
  t.same(tl.warnings, []);
});

t.test('the bitrate series agrees with ffprobe packet sizes', async (t) => {
  const tl = await buildFlvTimeline(file);
  for (const [kind, packets, overhead] of [
    ['video', probedVideo, 5],
    ['audio', probedAudio, 2],
  ] as const) {
    const series = bitrateSeries(tl, kind);
    t.equal(series[0].startMs, 0);
    t.ok(series.length >= 4, `${kind}: a window per second`);
    for (const win of series.slice(0, 4)) {
      const bytes = packets
        .filter((p) => ms(p.dts_time) >= win.startMs && ms(p.dts_time) < win.startMs + 1000)
        .reduce((n, p) => n + Number(p.size) + overhead, 0);
      const expected = (bytes * 8) / 1000;
      // Only the sequence headers (tens of bytes) are in our windows and not in ffprobe's packets.
      t.ok(
        Math.abs(win.kbps - expected) / expected < 0.01,
        `${kind} @${win.startMs} ms: ${win.kbps} ~ ${expected}`,
      );
    }
  }
  // And against ffmpeg's own figure for the audio stream (onMetaData audiodatarate, kbit/s of 1024 bits).
  const audio = bitrateSeries(tl, 'audio').slice(0, 4);
  const mean = audio.reduce((n, w) => n + w.kbps, 0) / audio.length;
  const declared = ((tl.metadata[0].audiodatarate as number) * 1024) / 1000;
  t.ok(Math.abs(mean - declared) / declared < 0.06, `audio ${mean} kbit/s ~ declared ${declared}`);
});

t.test('bitrateSeries uses the window it is given and reports empty windows as 0', async (t) => {
  const tl: FlvTimeline = {
    header: null,
    tags: [
      { index: 0, type: 'video', timestampMs: 100, dataSize: 1000 },
      { index: 1, type: 'video', timestampMs: 600, dataSize: 500 },
      { index: 2, type: 'audio', timestampMs: 600, dataSize: 99 },
      { index: 3, type: 'video', timestampMs: 1700, dataSize: 250 },
    ],
    videoSamples: [],
    audioSamples: [],
    videoConfigs: [],
    audioConfigs: [],
    metadata: [],
    errors: [],
    warnings: [],
    bytes: 0,
  };
  t.same(bitrateSeries(tl, 'video', 500), [
    { startMs: 0, bytes: 1000, tags: 1, kbps: 16 },
    { startMs: 500, bytes: 500, tags: 1, kbps: 8 },
    { startMs: 1000, bytes: 0, tags: 0, kbps: 0 },
    { startMs: 1500, bytes: 250, tags: 1, kbps: 4 },
  ]);
  t.same(bitrateSeries(tl, 'audio'), [{ startMs: 0, bytes: 99, tags: 1, kbps: 0.792 }]);
  t.same(bitrateSeries({ ...tl, tags: [] }, 'video'), []);
  t.throws(() => bitrateSeries(tl, 'video', 0), RangeError);
});

t.test('7-byte slices give the same timeline as the whole file', async (t) => {
  const whole = await buildFlvTimeline(file);
  const builder = new FlvTimelineBuilder(await loadFlvDemuxer());
  for (let i = 0; i < file.byteLength; i += 7) builder.push(file.subarray(i, i + 7));
  t.same(builder.finish(), whole);

  // Uneven slices too, including empty ones and one that spans many tags.
  const sizes = [0, 1, 12, 2, 3000, 5, 0, 40000, 17];
  const uneven = new FlvTimelineBuilder(await loadFlvDemuxer());
  for (let i = 0, k = 0; i < file.byteLength; k++) {
    const n = sizes[k % sizes.length];
    uneven.push(file.subarray(i, i + n));
    i += n;
  }
  t.same(uneven.finish(), whole);

  // The builder keeps its own copy of a partial tag: the caller may reuse its buffer after push().
  const reused = new FlvTimelineBuilder(await loadFlvDemuxer());
  const scratch = new Uint8Array(50000);
  for (let i = 0; i < file.byteLength; i += scratch.byteLength) {
    const n = Math.min(scratch.byteLength, file.byteLength - i);
    scratch.set(file.subarray(i, i + n));
    reused.push(scratch.subarray(0, n));
    scratch.fill(0xee);
  }
  t.same(reused.finish(), whole);

  // Node Buffers that are views into a larger pool (what a socket or an HTTP parser hands over): Buffer's
  // slice() does not copy, so the builder must not rely on it.
  const pooled = Buffer.alloc(file.byteLength + 100, 0xee);
  pooled.set(file, 37);
  const views = new FlvTimelineBuilder(await loadFlvDemuxer());
  for (let i = 0; i < file.byteLength; i += 3001) {
    const view = pooled.subarray(37 + i, 37 + Math.min(i + 3001, file.byteLength));
    views.push(view);
    view.fill(0xdd); // the caller reuses its buffer
  }
  t.same(views.finish(), whole);
});

t.test('a resolution change mid-stream yields a second video config', async (t) => {
  const a = encodeFlv(dir, 'a.flv', { width: 640, height: 360, seconds: 2 });
  const b = encodeFlv(dir, 'b.flv', { width: 320, height: 240, seconds: 2 });
  const joined = concatFlv(a, b);
  writeFileSync(join(dir, 'joined.flv'), joined);
  const tl = await buildFlvTimeline(joined);
  t.same(tl.errors, []);

  const headers = tl.tags.filter((tag) => tag.avcPacketType === 0);
  t.equal(headers.length, 2);
  t.match(tl.videoConfigs, [
    { atTagIndex: headers[0].index, width: 640, height: 360 },
    { atTagIndex: headers[1].index, width: 320, height: 240 },
  ]);
  t.equal(tl.audioConfigs.length, 2, 'the second encoder re-sends its AAC config too');
  t.match(tl.metadata, [{ width: 640 }, { width: 320 }]);
  // flv.js notices, as warnings, not errors.
  t.ok(
    tl.warnings.some(
      (w) => w.stage === 'flvjs-log' && /another AVCDecoderConfigurationRecord/.test(w.message),
    ),
  );

  // Every frame survives the join, with timestamps still moving forward.
  const probedJoined = probe(join(dir, 'joined.flv'));
  const videoFrames = Number(probedJoined.streams.find((s) => s.codec_type === 'video')?.nb_read_frames);
  t.equal(tl.videoSamples.length, 100);
  t.equal(tl.tags.filter((tag) => tag.avcPacketType === 1).length, videoFrames);
  const dts = tl.videoSamples.map((s) => s.dts);
  t.ok(dts.every((x, i) => i === 0 || x > dts[i - 1]));
  t.ok(tl.videoSamples[50].keyframe, 'the second part starts on a keyframe');
  t.ok(tl.videoSamples[50].dts >= 2000);
});
