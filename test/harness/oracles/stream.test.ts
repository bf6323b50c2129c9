import t from 'tap';
import {
  aacHeaderBits,
  audioVideoInSync,
  continuousAudio,
  decodableCapture,
  firstAudioTagIsSequenceHeader,
  firstFrameIsKeyframe,
  firstVideoTagIsSequenceHeader,
  h264AndAac,
  metadataFollowsResize,
  parameterSetsAnnounced,
  realTimeTimestamps,
  regularKeyframes,
  STREAM_CHECKS,
  serverSegments,
  timestampsMonotonic,
  truthfulMetadata,
} from '../../../harness/oracles/stream.js';
import type { Check } from '../../../harness/oracles/types.js';
import type { TraceRecord, TraceValue } from '../../../harness/sim/trace.js';

type Entry = [ms: number, kind: string, data: Record<string, TraceValue>];
const build = (entries: readonly Entry[]): TraceRecord[] =>
  [...entries]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e[0] - b.e[0] || a.i - b.i)
    .map(({ e: [ms, kind, data] }, seq) => ({ t: Math.round(ms * 1000), seq, kind, data }));

const LOCAL = '10.0.0.2:50000';
const START = 300;

interface PushOptions {
  /** Video frame timestamp (ms since start) for frame i. */
  videoTs?: (i: number, capture: number) => number;
  audioTs?: (i: number, capture: number) => number;
  keyframeEvery?: number;
  seconds?: number;
  /** Drop audio frames whose capture time is in [from, to). */
  audioGap?: [number, number];
  metadata?: Record<string, TraceValue>;
  firstVideo?: 'header' | 'frame';
  extra?: Entry[];
}

/**
 * A publishing connection seen at the server: metadata, AAC and AVC sequence headers, 20 fps video and
 * 16 kHz AAC (64 ms frames) arriving 20 ms after capture, ffprobe clean.
 */
function push(o: PushOptions = {}): Entry[] {
  const seconds = o.seconds ?? 12;
  const every = o.keyframeEvery ?? 40;
  const out: Entry[] = [
    [0, 'case.start', { id: 'x', attributes: { url: 'rtmp://h/live/s' } }],
    [0, 'app.state', { state: 'foreground', initial: true }],
    [0, 'net.link', { link: 'uplink', segments: [{ atUs: 0, kbps: null }], delayUs: 20000, jitterUs: 0 }],
    [
      0,
      'device.call',
      { device: 'videoEncoder', method: 'openVideoEncoder', args: { targetBitrateKbps: 1000 } },
    ],
    [
      0,
      'device.call',
      { device: 'audioEncoder', method: 'openAudioEncoder', args: { targetBitrateKbps: 24 } },
    ],
    [50, 'device.call', { device: 'camera', method: 'openCamera', result: 'ok' }],
    [100, 'net.connect', { conn: 1 }],
    [100, 'wire.connection', { conn: 1 }],
    [140, 'net.connected', { conn: 1, local: LOCAL }],
    [START, 'server.postPublish', { session: 'a', ip: LOCAL }],
  ];
  let index = 0;
  const tag = (ms: number, data: Record<string, TraceValue>) => {
    out.push([ms, 'observer.tag', { index, ...data }]);
    return index++;
  };
  tag(START + 10, { type: 'script', ts: 0, size: 200, scriptName: '@setDataFrame' });
  const meta = o.metadata ?? {
    width: 544,
    height: 960,
    videocodecid: 7,
    audiocodecid: 10,
    audiosamplerate: 16000,
    stereo: false,
  };
  out.push([seconds * 1000 + 1000, 'observer.metadata', { value: meta }]);
  const t0 = START + 20;
  const events: { at: number; video: boolean; i: number; capture: number }[] = [];
  for (let i = 0; (i * 1000) / 20 < seconds * 1000; i++)
    events.push({ at: t0 + i * 50, video: true, i, capture: t0 + i * 50 });
  for (let i = 0; i * 64 < seconds * 1000; i++) {
    const capture = t0 + i * 64;
    if (o.audioGap && capture >= o.audioGap[0] && capture < o.audioGap[1]) continue;
    events.push({ at: capture + 1, video: false, i, capture });
  }
  events.sort((a, b) => a.at - b.at);
  let videoHeaderSent = false;
  let audioHeaderSent = false;
  for (const e of events) {
    const arrive = e.at + 20;
    if (e.video) {
      const ts = o.videoTs ? o.videoTs(e.i, e.capture) : e.capture;
      if (!videoHeaderSent && o.firstVideo !== 'frame') {
        const h = tag(arrive, { type: 'video', ts, size: 40, keyframe: true, avcPacketType: 0, codecId: 7 });
        out.push([
          seconds * 1000 + 1000,
          'observer.videoConfig',
          { atTag: h, width: 544, height: 960, profile: 'Baseline', level: '3.1' },
        ]);
      }
      videoHeaderSent = true;
      tag(arrive, {
        type: 'video',
        ts,
        size: 5000,
        keyframe: e.i % every === 0,
        avcPacketType: 1,
        codecId: 7,
      });
    } else {
      const ts = o.audioTs ? o.audioTs(e.i, e.capture) : e.capture;
      if (!audioHeaderSent) {
        const h = tag(arrive, { type: 'audio', ts, size: 4, aacPacketType: 0, codecId: 10 });
        out.push([
          seconds * 1000 + 1000,
          'observer.audioConfig',
          { atTag: h, sampleRate: 16000, channels: 1 },
        ]);
        audioHeaderSent = true;
      }
      tag(arrive, { type: 'audio', ts, size: 190, aacPacketType: 1, codecId: 10 });
    }
  }
  out.push([
    seconds * 1000 + 1000,
    'validation.ffprobe',
    {
      errors: [],
      errorCount: 0,
      video: { codec: 'h264', frames: 240 },
      audio: { codec: 'aac', frames: 187 },
    },
  ]);
  return [...out, ...(o.extra ?? [])];
}

const status = (check: Check, entries: Entry[]) => check.evaluate(build(entries)).status;

/** The index of the last server-side tag that arrived before `atMs` (to slot a tag in after it). */
const lastIndexBefore = (entries: readonly Entry[], atMs: number) =>
  Math.max(...entries.filter((e) => e[1] === 'observer.tag' && e[0] < atMs).map((e) => e[2].index as number));

/**
 * A second connection of the same push, `offsetMs` after the first (a copy of its tags), as node-media-server
 * relays it after a resume within its grace window: each track's media frames (not the sequence headers)
 * shifted by the last timestamp relayed on that track before.
 */
function resumed(
  first: readonly Entry[],
  offsetMs: number,
  shift: { video: number; audio: number },
): Entry[] {
  const local = '10.0.0.2:50001';
  const out: Entry[] = [
    [START + offsetMs - 200, 'net.connect', { conn: 2 }],
    [START + offsetMs - 200, 'wire.connection', { conn: 2 }],
    [START + offsetMs - 160, 'net.connected', { conn: 2, local }],
    [START + offsetMs, 'server.postPublish', { session: 'b', ip: local }],
  ];
  for (const [at, kind, data] of first) {
    if (kind === 'observer.tag' && (data.type === 'video' || data.type === 'audio')) {
      const header = data.avcPacketType === 0 || data.aacPacketType === 0;
      const by = header ? 0 : data.type === 'video' ? shift.video : shift.audio;
      out.push([
        at + offsetMs,
        kind,
        { ...data, index: (data.index as number) + 10000, ts: (data.ts as number) + offsetMs + by },
      ]);
    } else if (kind === 'observer.videoConfig' || kind === 'observer.audioConfig')
      out.push([at, kind, { ...data, atTag: (data.atTag as number) + 10000 }]);
  }
  return out;
}

t.test('one check per stream requirement, all evaluated in every case', async (t) => {
  t.equal(STREAM_CHECKS.length, 14);
  t.equal(new Set(STREAM_CHECKS.map((c) => c.requirement)).size, 14);
  t.ok(STREAM_CHECKS.every((c) => c.always && c.requirement.startsWith('stream/')));
});

t.test(
  'a clean push passes every stream check (AAC header bits undecidable without observer fields)',
  async (t) => {
    const trace = build(push());
    for (const c of STREAM_CHECKS) {
      const o = c.evaluate(trace);
      const expected =
        c === aacHeaderBits ? 'indeterminate' : c === metadataFollowsResize ? 'not-applicable' : 'pass';
      t.equal(o.status, expected, `${c.requirement}: ${o.summary}`);
    }
  },
);

t.test('the server timeline is cut at each publish start of a pusher connection', async (t) => {
  const entries = push({ seconds: 4 });
  const segments = serverSegments(build(entries));
  t.equal(segments.length, 1);
  t.equal(segments[0].fromMs, START);
  t.ok(segments[0].tags.length > 100);
  const other = entries.map(
    (e): Entry => (e[1] === 'server.postPublish' ? [e[0], e[1], { ip: '10.0.0.77:40000' }] : e),
  );
  t.same(serverSegments(build(other)), [], "another publisher's tags are not the pusher's");
});

t.test('sequence headers and keyframes', async (t) => {
  t.equal(status(firstVideoTagIsSequenceHeader, push({ firstVideo: 'frame', seconds: 3 })), 'fail');
  const noAsc = push({ seconds: 3 }).filter((e) => e[1] !== 'observer.audioConfig');
  t.equal(status(firstAudioTagIsSequenceHeader, noAsc), 'fail');
  t.equal(
    status(firstFrameIsKeyframe, push({ keyframeEvery: 1000, seconds: 3, videoTs: (_i, c) => c })),
    'pass',
  );
  const pFirst = push({ seconds: 3 }).map(
    (e): Entry =>
      e[1] === 'observer.tag' && e[2].avcPacketType === 1 && e[2].keyframe === true
        ? [e[0], e[1], { ...e[2], keyframe: false }]
        : e,
  );
  t.equal(status(firstFrameIsKeyframe, pFirst), 'fail');
  t.equal(
    status(parameterSetsAnnounced, pFirst),
    'fail',
    'the frame after the sequence header is not a keyframe',
  );
  const psError = push({ seconds: 3 }).map(
    (e): Entry =>
      e[1] === 'validation.ffprobe'
        ? [e[0], e[1], { ...e[2], errors: ['[h264] non-existing PPS 0 referenced'], errorCount: 1 }]
        : e,
  );
  t.equal(status(parameterSetsAnnounced, psError), 'fail');
});

t.test('stream/keyframe/2 wants keyframes at most 4 s apart while the camera is pushed', async (t) => {
  t.equal(status(regularKeyframes, push({ keyframeEvery: 100 })), 'fail', 'a 5 s GOP');
  const background = push({
    keyframeEvery: 100,
    extra: [
      [2000, 'app.state', { state: 'background' }],
      [9000, 'app.state', { state: 'foreground' }],
    ],
  });
  t.equal(status(regularKeyframes, background), 'pass', 'the long GOP falls in the background');
  const silentBackground = push({
    extra: [
      [2000, 'app.state', { state: 'background' }],
      [9000, 'app.state', { state: 'foreground' }],
    ],
  }).filter((e) => !(e[1] === 'observer.tag' && e[2].type === 'video' && e[0] > 2000 && e[0] < 9100));
  t.equal(
    status(regularKeyframes, silentBackground),
    'pass',
    'the clock restarts when the camera comes back',
  );
  const gop = push({ extra: [[5000, 'pusher.netstatus', { videoGop: 6 }]] });
  t.match(regularKeyframes.evaluate(build(gop)), { status: 'fail', summary: /videoGop 6/ });
});

t.test('timestamps: monotonic, in sync, real time', async (t) => {
  const regression = push({
    extra: [[1000, 'wire.tsRegression', { conn: 1, type: 'video', from: 900, to: 880 }]],
  });
  t.equal(status(timestampsMonotonic, regression), 'fail');
  const serverOnly = push({ videoTs: (i, c) => (i === 30 ? c - 200 : c) });
  t.equal(
    status(timestampsMonotonic, serverOnly),
    'indeterminate',
    'a server rewrite is not the pusher’s fault',
  );
  t.equal(status(audioVideoInSync, push({ videoTs: (_i, c) => c + 600 })), 'fail');
  t.equal(status(audioVideoInSync, push({ videoTs: (_i, c) => c + 400 })), 'pass');
  // A publish node-media-server resumed: each track shifted by its own last timestamp (the first connection's
  // video ended a second before its audio); the pusher's own timestamps are in sync.
  const first = push({ seconds: 4 }).filter(
    (e) => !(e[1] === 'observer.tag' && e[2].type === 'video' && e[0] > 3000),
  );
  const lastTs = (type: string) =>
    Math.max(
      ...first.filter((e) => e[1] === 'observer.tag' && e[2].type === type).map((e) => e[2].ts as number),
    );
  const shift = { video: lastTs('video'), audio: lastTs('audio') + 1000 };
  t.equal(
    status(audioVideoInSync, [...first, ...resumed(first, 6000, shift)]),
    'fail',
    'a 1 s offset the server did not add',
  );
  const serverShift = { video: lastTs('video'), audio: lastTs('audio') };
  t.equal(status(audioVideoInSync, [...first, ...resumed(first, 6000, serverShift)]), 'pass');
  const drifted = resumed(first, 6000, serverShift).map(
    (e): Entry =>
      e[1] === 'observer.tag' && e[2].avcPacketType === 1
        ? [e[0], e[1], { ...e[2], ts: (e[2].ts as number) + 600 }]
        : e,
  );
  t.equal(status(audioVideoInSync, [...first, ...drifted]), 'fail', 'the pusher’s own drift after the shift');
  t.equal(status(realTimeTimestamps, push({ audioTs: (_i, c) => Math.round(c * 1.05) })), 'fail');
  const narrow = push().map(
    (e): Entry => (e[1] === 'net.link' ? [e[0], e[1], { ...e[2], segments: [{ atUs: 0, kbps: 1500 }] }] : e),
  );
  t.equal(status(realTimeTimestamps, narrow), 'not-applicable', 'no spare capacity: 1500 < 2 x (1000 + 24)');
});

t.test('stream/metadata/1 compares onMetaData with the headers that follow it', async (t) => {
  const lie = { width: 960, height: 544, videocodecid: 7, audiocodecid: 10 };
  t.match(truthfulMetadata.evaluate(build(push({ metadata: lie, seconds: 3 }))), {
    status: 'fail',
    summary: /width 960 but the SPS says 544/,
  });
  // Superseded before any video: a second onMetaData (the pusher chose another size before its first AVC
  // header) describes the stream; the first is not judged.
  const truth = { width: 544, height: 960, videocodecid: 7, audiocodecid: 10 };
  const superseded = (second: Record<string, TraceValue>) =>
    push({
      metadata: lie,
      seconds: 3,
      extra: [
        [
          START + 12,
          'observer.tag',
          { index: 0.5, type: 'script', ts: 0, size: 200, scriptName: '@setDataFrame' },
        ],
        [4001, 'observer.metadata', { value: second }],
      ],
    });
  t.equal(status(truthfulMetadata, superseded(truth)), 'pass');
  t.equal(status(truthfulMetadata, superseded(lie)), 'fail');
  // An onMetaData written mid-stream describes the audio then in force; an audio-quality change after it
  // (a new AAC header of another rate, no new onMetaData) does not make it a lie.
  const base = push({ seconds: 3 });
  const midStream = (claim: Record<string, TraceValue>) =>
    [
      ...base,
      [
        1000,
        'observer.tag',
        {
          index: lastIndexBefore(base, 1000) + 0.5,
          type: 'script',
          ts: 0,
          size: 200,
          scriptName: '@setDataFrame',
        },
      ],
      [4001, 'observer.metadata', { value: claim }],
      [
        1500,
        'observer.tag',
        {
          index: lastIndexBefore(base, 1500) + 0.5,
          type: 'audio',
          ts: 1480,
          size: 4,
          aacPacketType: 0,
          codecId: 10,
        },
      ],
      [
        4001,
        'observer.audioConfig',
        { atTag: lastIndexBefore(base, 1500) + 0.5, sampleRate: 48000, channels: 2 },
      ],
    ] as Entry[];
  t.equal(status(truthfulMetadata, midStream({ audiosamplerate: 16000, stereo: false })), 'pass');
  t.equal(status(truthfulMetadata, midStream({ audiosamplerate: 44100, stereo: false })), 'fail');
  t.equal(status(truthfulMetadata, push({ metadata: { videocodecid: 'avc1' }, seconds: 3 })), 'fail');
  t.equal(status(truthfulMetadata, push({ metadata: { stereo: true }, seconds: 3 })), 'fail');
  t.equal(
    status(truthfulMetadata, push({ metadata: { encoder: 'x' }, seconds: 3 })),
    'pass',
    'absent fields are not judged',
  );
});

t.test('stream/metadata/2 wants new onMetaData within 1 s of a resolution change', async (t) => {
  const resize = (withMeta: boolean): Entry[] => {
    const base = push({ seconds: 6 });
    const at = 3000;
    const extra: Entry[] = [
      [
        at,
        'observer.tag',
        { index: 9000, type: 'video', ts: at, size: 40, keyframe: true, avcPacketType: 0, codecId: 7 },
      ],
      [
        7000,
        'observer.videoConfig',
        { atTag: 9000, width: 960, height: 544, profile: 'Baseline', level: '3.1' },
      ],
    ];
    if (withMeta) {
      extra.push([
        at + 300,
        'observer.tag',
        { index: 9001, type: 'script', ts: at, size: 200, scriptName: '@setDataFrame' },
      ]);
      extra.push([7001, 'observer.metadata', { value: { width: 960, height: 544 } }]);
    }
    return [...base, ...extra];
  };
  t.equal(status(metadataFollowsResize, resize(true)), 'pass');
  t.equal(status(metadataFollowsResize, resize(false)), 'fail');
});

t.test('codecs', async (t) => {
  const mp3 = push({ seconds: 2 }).map(
    (e): Entry =>
      e[1] === 'observer.tag' && e[2].type === 'audio' ? [e[0], e[1], { ...e[2], codecId: 2 }] : e,
  );
  t.equal(status(h264AndAac, mp3), 'fail');
  const bits = (soundRate: number): Entry[] =>
    push({ seconds: 2 }).map(
      (e): Entry =>
        e[1] === 'observer.tag' && e[2].type === 'audio'
          ? [e[0], e[1], { ...e[2], soundRate, soundSize: 1, soundType: 1 }]
          : e,
    );
  t.equal(status(aacHeaderBits, bits(3)), 'pass');
  t.equal(status(aacHeaderBits, bits(2)), 'fail');
});

t.test('stream/audio/1 wants no gap above three frames, except while paused', async (t) => {
  t.equal(status(continuousAudio, push({ audioGap: [4000, 4500] })), 'fail');
  const paused = push({
    audioGap: [4000, 4500],
    extra: [
      [3900, 'pusher.op', { op: 'pause', phase: 'result', ok: true }],
      [4600, 'pusher.op', { op: 'resume', phase: 'result', ok: true }],
    ],
  });
  t.equal(status(continuousAudio, paused), 'pass');
});

t.test('stream/decodable/1 follows ffprobe and flv.js', async (t) => {
  const errors = push({ seconds: 2 }).map(
    (e): Entry =>
      e[1] === 'validation.ffprobe'
        ? [e[0], e[1], { ...e[2], errors: ['error while decoding MB 3 4'], errorCount: 1 }]
        : e,
  );
  t.equal(status(decodableCapture, errors), 'fail');
  const demux = [
    ...push({ seconds: 2 }),
    [3000, 'observer.demuxError', { stage: 'tag', message: 'bad' }] as Entry,
  ];
  t.equal(status(decodableCapture, demux), 'fail');
  const skipped = push({ seconds: 2 }).map(
    (e): Entry => (e[1] === 'validation.ffprobe' ? [e[0], e[1], { skipped: 'no media' }] : e),
  );
  t.equal(status(decodableCapture, skipped), 'not-applicable');
  const muxer =
    '[null @ 0x1] Application provided invalid, non monotonically increasing dts to muxer in stream 0: 3 >= 3';
  const withMuxer = push({ seconds: 2 }).map(
    (e): Entry =>
      e[1] === 'validation.ffprobe' ? [e[0], e[1], { ...e[2], errors: [muxer], errorCount: 1 }] : e,
  );
  t.equal(status(decodableCapture, withMuxer), 'fail', 'one connection: the muxer message counts');
  const reconnected = withMuxer.concat([
    [2500, 'net.connect', { conn: 2 }],
    [2500, 'wire.connection', { conn: 2 }],
    [2540, 'net.connected', { conn: 2, local: '10.0.0.2:50001' }],
    [2700, 'server.postPublish', { session: 'b', ip: '10.0.0.2:50001' }],
  ]);
  t.equal(status(decodableCapture, reconnected), 'pass', 'a capture joining connections: set aside');
  const failed = push({ seconds: 2 }).map(
    (e): Entry => (e[1] === 'validation.ffprobe' ? [e[0], e[1], { failed: 'spawn ENOENT' }] : e),
  );
  t.equal(status(decodableCapture, failed), 'indeterminate', 'a harness fault is never the pusher’s FAIL');
});
