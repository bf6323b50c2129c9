import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildFlvTimeline, FlvTimelineBuilder, loadFlvDemuxer } from '../../../harness/observer/flv-demux.js';
import { decodeAmf0All } from '../../../harness/observer/internal/amf0-decoder.js';
import { ObserverError } from '../../../harness/observer/observer-error.js';
import { Amf0Date, Amf0EcmaArray, encodeAmf0 } from '../../../src/rtmp/amf0.js';
import { amf0, encodeFlv, type RawTag, splitFlv, writeFlv } from './helpers/flv-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'flv-demux-faults-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const file = encodeFlv(dir, 'base.flv', { width: 320, height: 240, seconds: 2 });
const { header, tags } = splitFlv(file);
const isNalu = (tag: RawTag) => tag.type === 9 && tag.data[1] === 1;

t.test('a timestamp going backwards is visible in tags and in the flv.js samples', async (t) => {
  const crafted = tags.map((tag) => ({ ...tag }));
  const naluAt = crafted.flatMap((tag, i) => (isNalu(tag) ? [i] : []));
  const [before, victim] = [naluAt[19], naluAt[20]];
  crafted[victim].timestampMs = crafted[before].timestampMs - 100;
  const tl = await buildFlvTimeline(writeFlv(header, crafted));

  t.same(tl.errors, [], 'not a format error: judging it is up to the oracles');
  const video = tl.tags.filter((tag) => tag.avcPacketType === 1);
  t.equal(video[20].timestampMs, video[19].timestampMs - 100);
  const backwards = video.flatMap((tag, i) =>
    i > 0 && tag.timestampMs < video[i - 1].timestampMs ? [tag.index] : [],
  );
  t.same(backwards, [victim]);
  // flv.js's demuxer does not smooth: the sample keeps the wire timestamp.
  t.equal(tl.videoSamples[20].dts, tl.videoSamples[19].dts - 100);
});

t.test('extended timestamps (above 0xFFFFFF ms) are read as one 32-bit value', async (t) => {
  const base = 0x01000010;
  const shifted = tags.map((tag) => ({ ...tag, timestampMs: tag.timestampMs + base }));
  const tl = await buildFlvTimeline(writeFlv(header, shifted));
  t.same(
    tl.tags.map((tag) => tag.timestampMs),
    tags.map((tag) => tag.timestampMs + base),
  );
  t.equal(tl.videoSamples[0].dts, tl.tags.find((tag) => tag.avcPacketType === 1)!.timestampMs);
});

t.test('a truncated file ends with a truncated error record instead of throwing', async (t) => {
  const cut = Math.floor(file.byteLength * 0.6);
  const tl = await buildFlvTimeline(file.subarray(0, cut));
  const whole = await buildFlvTimeline(file);
  t.equal(tl.bytes, cut);
  t.ok(tl.tags.length > 10 && tl.tags.length < whole.tags.length);
  t.same(tl.tags, whole.tags.slice(0, tl.tags.length), 'the complete tags before the cut are intact');
  t.equal(tl.errors.length, 1);
  const [err] = tl.errors;
  t.match(err, { stage: 'truncated', tagIndex: tl.tags.length });
  t.match(
    err.message,
    new RegExp(
      `^Failed to parse FLV tag ${tl.tags.length} at byte \\d+: stream ended after \\d+ of \\d+ bytes`,
    ),
  );

  t.match((await buildFlvTimeline(file.subarray(0, 13 + 5))).errors, [
    { stage: 'truncated', message: /after 5 of the 11 header bytes/ },
  ]);
  t.match((await buildFlvTimeline(file.subarray(0, 5))).errors, [
    { stage: 'truncated', message: /FLV header: stream ended after 5 bytes/ },
  ]);
  t.match((await buildFlvTimeline(new Uint8Array(0))).errors, [{ stage: 'truncated' }]);
  // Header and PreviousTagSize0 alone: a complete, empty stream.
  const empty = await buildFlvTimeline(file.subarray(0, 13));
  t.same(empty.errors, []);
  t.same(empty.header, { hasVideo: true, hasAudio: true });
});

t.test('bytes that are not FLV stop the parse with a header error', async (t) => {
  const builder = new FlvTimelineBuilder(await loadFlvDemuxer());
  builder.push(new TextEncoder().encode('GET /live/x.flv HTTP/1.1\r\n'));
  builder.push(file);
  const tl = builder.finish();
  t.equal(tl.header, null);
  t.same(tl.tags, []);
  t.match(tl.errors, [{ stage: 'header', message: /signature is 47 45 54, not "FLV"/ }]);
  t.equal(tl.bytes, 26 + file.byteLength);
  t.throws(() => builder.push(file), { code: 'BUILDER_FINISHED' });
});

t.test('@setDataFrame metadata is decoded, but flv.js does not report it as onMetaData', async (t) => {
  const meta = { width: 320, height: 240, framerate: 25, encoder: 'test', flags: [1, 'two', true, null] };
  const crafted = [
    { type: 18, timestampMs: 0, data: amf0('@setDataFrame', 'onMetaData', meta) },
    ...tags.filter((tag) => tag.type !== 18),
  ];
  const tl = await buildFlvTimeline(writeFlv(header, crafted));
  t.same(tl.errors, []);
  t.same(tl.tags[0], {
    index: 0,
    type: 'script',
    timestampMs: 0,
    dataSize: crafted[0].data.byteLength,
    scriptName: '@setDataFrame',
    scriptValue: ['onMetaData', meta],
  });
  t.same(tl.metadata, [meta]);

  const plain = await buildFlvTimeline(
    writeFlv(header, [{ type: 18, timestampMs: 0, data: amf0('onMetaData', meta) }, ...crafted.slice(1)]),
  );
  t.match(plain.tags[0], { scriptName: 'onMetaData', scriptValue: meta, flvjsOnMetaData: true });
});

t.test('tag-layer faults are recorded and parsing goes on', async (t) => {
  const bytes = writeFlv(header, [
    { type: 18, timestampMs: 0, data: new Uint8Array([0x02, 0x00, 0x0a, 0x6f]) }, // string cut short
    { type: 7, timestampMs: 0, data: new Uint8Array([1, 2, 3]) }, // unknown TagType
    ...tags.filter((tag) => tag.type !== 18),
  ]);
  // Break the PreviousTagSize of the first media tag.
  const firstMedia = 13 + 15 + 4 + 15 + 3;
  const dataSize = (bytes[firstMedia + 1] << 16) | (bytes[firstMedia + 2] << 8) | bytes[firstMedia + 3];
  new DataView(bytes.buffer).setUint32(firstMedia + 11 + dataSize, 12345);
  const tl = await buildFlvTimeline(bytes);

  t.match(tl.errors, [
    { stage: 'script', tagIndex: 0, message: /Failed to decode AMF0 in script tag 0: .*string/ },
    { stage: 'tag', message: /unknown TagType 7/, byteOffset: 13 + 15 + 4 },
    { stage: 'tag', tagIndex: 1, message: /PreviousTagSize is 12345, expected/ },
  ]);
  t.equal(tl.errors.length, 3);
  t.equal(tl.tags.length, tags.length, 'script + every media tag, the unknown one skipped');
  t.equal(tl.videoSamples.length, 50);
});

t.test('flv.js errors (unsupported codec) are recorded against their tag', async (t) => {
  const sorenson = { type: 9, timestampMs: 40, data: new Uint8Array([0x22, 0, 0, 0]) };
  const crafted = [...tags.slice(0, 4), sorenson, ...tags.slice(4)];
  const tl = await buildFlvTimeline(writeFlv(header, crafted));
  t.match(tl.errors, [
    { stage: 'flvjs', tagIndex: 4, message: /^CodecUnsupported: .*codec in video frame: 2/ },
  ]);
  t.match(tl.tags[4], { type: 'video', codecId: 2, keyframe: false });
  t.equal(tl.tags[4].avcPacketType, undefined);
});

t.test(
  'samples flv.js holds back for a track that never comes are still recorded, with a warning',
  async (t) => {
    const videoOnly = encodeFlv(dir, 'video-only.flv', { width: 320, height: 240, seconds: 1, audio: false });
    const lying = videoOnly.slice();
    lying[4] |= 0x04; // header says audio too; onMetaData has no hasAudio to correct it
    const honest = await buildFlvTimeline(videoOnly);
    const tl = await buildFlvTimeline(lying);
    t.same(tl.header, { hasVideo: true, hasAudio: true });
    t.equal(tl.videoSamples.length, 25);
    t.same(tl.videoSamples, honest.videoSamples);
    t.match(tl.warnings, [{ stage: 'flvjs-dispatch', message: /never dispatched 25 samples/ }]);
    t.same(honest.warnings, []);
  },
);

t.test('loadFlvDemuxer explains how to build a missing bundle', async (t) => {
  await t.rejects(loadFlvDemuxer({ bundleUrl: new URL('file:///nonexistent/vendor/flv-demuxer.mjs') }), {
    code: 'VENDOR_BUNDLE_MISSING',
    message:
      /Failed to load the flv\.js demuxer: .* not found; run `npm install`.*node scripts\/build-vendor\.mjs/,
  });
  const err = await loadFlvDemuxer({ bundleUrl: new URL('file:///nonexistent/x.mjs') }).catch(
    (e: unknown) => e,
  );
  t.ok(err instanceof ObserverError);
  t.equal(await loadFlvDemuxer(), await loadFlvDemuxer(), 'loaded once');
  t.equal((globalThis as { self?: unknown }).self, undefined, 'the bundle shims self/navigator privately');
});

t.test('the AMF0 decoder reads the types FLV script tags use', async (t) => {
  const bytes = new Uint8Array([
    ...[0x03, 0, 1, 0x61, 0x01, 0x01, 0, 0, 0x09], // object {a: true}
    ...[0x0b, 0x42, 0x77, 0x48, 0x76, 0xe8, 0, 0, 0, 0xff, 0xc4], // date, tz -60
    ...[0x0c, 0, 0, 0, 2, 0x68, 0x69], // long string "hi"
    ...[0x10, 0, 1, 0x43, 0, 1, 0x62, 0x06, 0, 0, 0x09], // typed object C {b: undefined}
    ...[0x06, 0x05],
  ]);
  t.same(decodeAmf0All(bytes), [
    { a: true },
    { amf0Date: 1600000000000, tz: -60 },
    'hi',
    { __className: 'C', b: undefined },
    undefined,
    null,
  ]);
  t.throws(() => decodeAmf0All(new Uint8Array([0x11])), { name: 'Amf0DecodeError', offset: 0 });
  t.throws(() => decodeAmf0All(new Uint8Array([0x03, 0, 0, 0x05])), /empty key not followed by end marker/);
});

t.test(
  'the observer decodes what the pusher AMF0 encoder writes (two independent implementations)',
  async (t) => {
    const bytes = encodeAmf0([
      '@setDataFrame',
      'onMetaData',
      new Amf0EcmaArray({
        width: 1280,
        stereo: true,
        encoder: 'lpc',
        nested: { list: [1, 'x', null, undefined], at: new Amf0Date(1600000000000) },
        long: 'y'.repeat(70000),
      }),
    ]);
    t.same(decodeAmf0All(bytes), [
      '@setDataFrame',
      'onMetaData',
      {
        width: 1280,
        stereo: true,
        encoder: 'lpc',
        nested: { list: [1, 'x', null, undefined], at: { amf0Date: 1600000000000, tz: 0 } },
        long: 'y'.repeat(70000),
      },
    ]);
  },
);
