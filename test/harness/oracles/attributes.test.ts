import t from 'tap';
import {
  aspectRatio,
  audioQualitySwitch,
  autoFocusReachesCamera,
  autopushStarts,
  beautyReachesCamera,
  blackWhileDisabled,
  booleanStrings,
  boundsApplyAtOnce,
  debugLog,
  dialsUrlHost,
  enableCameraSwitch,
  eventsWellFormed,
  fallbacksLogged,
  highQualityAudio,
  invalidUrlRefused,
  invalidValuesHarmless,
  lowQualityAudio,
  maxBitrateCeiling,
  microphoneInBackground,
  minBitrateFloor,
  modeCapsResolution,
  modeLatency,
  mutedClosesMicrophone,
  nothingBeforeStart,
  numbersClamped,
  orientationShape,
  reshapeOnChange,
  unknownEnumKeeps,
  urlChangeMoves,
  waitingImageFetches,
  waitingImageHashRule,
  whitenessReachesCamera,
} from '../../../harness/oracles/attributes.js';
import type { Check } from '../../../harness/oracles/types.js';
import type { TraceRecord, TraceValue } from '../../../harness/sim/trace.js';
import { ADDRESS, cleanPush, Story, startedPush, URL } from './push-story.js';
import { referenceVerdicts } from './reference-run.js';

type Data = { [key: string]: TraceValue };

function is(
  tt: { equal(a: unknown, b: unknown, m: string): unknown },
  check: Check,
  trace: TraceRecord[],
  status: string,
  name: string,
): void {
  const o = check.evaluate(trace);
  tt.equal(o.status, status, `${name}: ${o.summary}`);
}

/** A push from start() at 0 with `attributes`; `during` adds what happens while it publishes. */
function push(
  attributes: Data,
  during: (s: Story, d: ReturnType<typeof cleanPush>) => void = () => {},
  o: { media?: boolean; until?: number } = {},
): TraceRecord[] {
  const s = new Story().begin({ url: URL, ...attributes });
  s.op(0, 'start');
  const d = s.devices(0, { camArgs: { autoFocus: attributes.autoFocus ?? true } });
  const conn = s.attempt(70);
  if (o.media !== false) s.media(110, o.until ?? 8000);
  during(s, { ...d, conn });
  s.end(o.until ?? 8000);
  return s.build();
}

const clean = () => {
  const s = new Story().begin();
  startedPush(s);
  return s.build();
};

t.test(
  'attributes/url/1..3: invalid URLs are refused; the URL decides where to dial; a change moves the push',
  async (t) => {
    const refused = new Story().begin({ url: 'http://x/live/s' });
    refused.op(0, 'start', false, 'start:fail url "http://x/live/s" does not start with rtmp://');
    is(t, invalidUrlRefused, refused.build(), 'pass', 'http:// refused');
    const dials = new Story().begin({ url: 'http://x/live/s' });
    dials.op(0, 'start', false, 'start:fail url');
    dials.dns(10, ADDRESS, 'x');
    is(t, invalidUrlRefused, dials.build(), 'fail', 'refused but resolved the host');
    const noWord = new Story().begin({ url: '' });
    noWord.op(0, 'start', false, 'start:fail bad argument');
    is(t, invalidUrlRefused, noWord.build(), 'fail', 'errMsg does not name the url');
    is(t, invalidUrlRefused, clean(), 'not-applicable', 'valid url');

    is(t, dialsUrlHost, clean(), 'pass', 'resolved the host, connected to its address on 1935');
    const elsewhere = new Story().begin();
    elsewhere.op(0, 'start');
    elsewhere.devices(0);
    elsewhere.dns(70, ADDRESS);
    elsewhere.connect(70, 'none', ADDRESS, 1936);
    is(t, dialsUrlHost, elsewhere.build(), 'fail', 'port 1936');
    is(t, dialsUrlHost, new Story().begin().build(), 'not-applicable', 'no attempt');

    const moved = (reconnect: boolean) => {
      const s = new Story().begin();
      s.op(0, 'start');
      s.devices(0);
      const c = s.attempt(70);
      s.media(110, 3000);
      s.attributes(3000, { url: 'rtmp://media.lpc.test/live/s2' });
      s.command(3000, c, 'FCUnpublish');
      s.pusherClose(3000, c);
      if (reconnect) {
        s.dns(3010, ADDRESS);
        const c2 = s.connect(3010);
        s.connected(3020, c2);
        s.event(3020, 1001);
        s.handshake(3030, c2);
        s.command(3040, c2, 'publish', [null, 's2', 'live']);
        s.accepted(3050, c2);
        s.event(3050, 1002);
      }
      s.end(6000);
      return s.build();
    };
    is(t, urlChangeMoves, moved(true), 'pass', 'moved to s2');
    is(t, urlChangeMoves, moved(false), 'fail', 'stopped without moving');
    is(t, urlChangeMoves, clean(), 'not-applicable', 'no url change');
  },
);

/** A push whose sequence headers are `sizes` (one per 2 s); `changes` at their times. */
function shapes(attributes: Data, sizes: [number, number][], changes: [number, Data][] = []): TraceRecord[] {
  return push(attributes, (s) => {
    sizes.forEach(([w, h], i) => {
      if (i === 0) return;
      s.header(i * 2000, 'video', { width: w, height: h });
      s.add(i * 2000, 'wire.data', {
        conn: 1,
        name: '@setDataFrame',
        args: ['onMetaData', { width: w, height: h }],
      });
      s.event(i * 2000, 1005);
      s.tag(i * 2000 + 10, 'video', { keyframe: true });
    });
    for (const [at, a] of changes) s.attributes(at, a);
  });
}

t.test('attributes/mode/1, orientation/1..2, aspect/1: the stream has the attributes shape', async (t) => {
  is(t, modeCapsResolution, shapes({ mode: 'HD' }, [[544, 960]]), 'pass', 'HD 544x960');
  is(t, modeCapsResolution, shapes({ mode: 'SD' }, [[544, 960]]), 'fail', 'SD at 544x960');
  is(t, modeCapsResolution, new Story().begin().build(), 'not-applicable', 'no sequence header');

  is(t, orientationShape, shapes({}, [[544, 960]]), 'pass', 'vertical');
  is(
    t,
    orientationShape,
    shapes({ orientation: 'horizontal' }, [[544, 960]]),
    'fail',
    'horizontal but taller than wide',
  );
  is(t, orientationShape, new Story().begin().build(), 'not-applicable', 'no sequence header');

  is(
    t,
    aspectRatio,
    shapes(
      {},
      [
        [544, 960],
        [544, 720],
      ],
      [[1990, { aspect: '3:4' }]],
    ),
    'pass',
    '9:16 then 3:4',
  );
  is(
    t,
    aspectRatio,
    shapes({}, [
      [544, 960],
      [544, 544],
    ]),
    'fail',
    'square',
  );
  is(t, aspectRatio, new Story().begin().build(), 'not-applicable', 'no sequence header');

  const reshaped = shapes(
    {},
    [
      [544, 960],
      [960, 544],
    ],
    [[1990, { orientation: 'horizontal' }]],
  );
  is(t, reshapeOnChange, reshaped, 'pass', 'horizontal within 2 s');
  const ignored = shapes({}, [[544, 960]], [[1990, { orientation: 'horizontal' }]]);
  is(t, reshapeOnChange, ignored, 'fail', 'no new sequence header');
  is(t, reshapeOnChange, clean(), 'not-applicable', 'no change');
});

t.test('attributes/mode/2: latency of frames in stable windows', async (t) => {
  const build = (lagMs: number) => {
    const s = new Story().begin({ url: URL, mode: 'RTC' });
    s.add(0, 'net.link', { link: 'uplink', segments: [{ atUs: 0, kbps: 2000 }], delayUs: 0, jitterUs: 0 });
    s.op(0, 'start');
    s.devices(0);
    s.add(100, 'device.camera.firstFrame', {
      position: 'front',
      session: 1,
      fps: 15,
      colour: { y: 150, cb: 80, cr: 160 },
    });
    s.attempt(70);
    for (let ts = 0; ts < 12_000; ts += 66)
      s.tag(100 + ts + lagMs * (ts / 12_000), 'video', { ts, keyframe: ts === 0 });
    s.end(12_000);
    return s.build();
  };
  is(t, modeLatency, build(100), 'pass', 'latency ≤ 100 ms');
  is(t, modeLatency, build(6000), 'fail', 'latency growing to 6 s');
  is(t, modeLatency, clean(), 'not-applicable', 'no capacity, no stable window');
});

t.test(
  'attributes/autopush/1..2: autopush starts without start(); nothing starts before start() otherwise',
  async (t) => {
    const auto = (works: boolean) => {
      const s = new Story().begin({ url: URL, autopush: 'true' });
      if (works) cleanPush(s, 0, 5000);
      s.end(5000);
      return s.build();
    };
    is(t, autopushStarts, auto(true), 'pass', 'pushed by itself');
    is(t, autopushStarts, auto(false), 'fail', 'nothing happened');
    is(t, autopushStarts, clean(), 'not-applicable', 'autopush false');

    const waiting = new Story().begin();
    waiting.op(3000, 'start');
    cleanPush(waiting, 3000, 6000);
    is(t, nothingBeforeStart, waiting.build(), 'pass', 'idle until start() at 3 s');
    const eager = new Story().begin();
    eager.open(50, 'camera', {}, { position: 'front' });
    eager.op(3000, 'start');
    is(t, nothingBeforeStart, eager.build(), 'fail', 'camera opened before start()');
    is(t, nothingBeforeStart, auto(true), 'not-applicable', 'autopush true');
  },
);

t.test('attributes/muted/1: muted closes the microphone; silent audio keeps flowing', async (t) => {
  const muted = (o: { mic?: boolean; silence?: boolean }) => {
    const s = new Story().begin({ url: URL, muted: true });
    s.op(0, 'start');
    s.devices(0, { mic: o.mic ?? false });
    s.attempt(70);
    s.media(110, 5000);
    if (o.silence === false) {
      const trace = s
        .build()
        .filter(
          (r) =>
            !(
              r.kind === 'observer.tag' &&
              r.data.type === 'audio' &&
              (r.data.ts as number) > 2000 &&
              (r.data.ts as number) < 3000
            ),
        );
      return trace.map((r, seq) => ({ ...r, seq }));
    }
    s.end(5000);
    return s.build();
  };
  is(t, mutedClosesMicrophone, muted({}), 'pass', 'no microphone, audio continuous');
  is(t, mutedClosesMicrophone, muted({ mic: true }), 'fail', 'microphone opened while muted');
  is(t, mutedClosesMicrophone, muted({ silence: false }), 'fail', 'a 1 s hole in the audio track');
  is(t, mutedClosesMicrophone, new Story().begin().build(), 'not-applicable', 'no push');
});

t.test('attributes/enable-camera/1..2: the camera stays closed; black frames at 5 fps', async (t) => {
  const disabled = (o: {
    camera?: boolean;
    fps?: number;
    colour?: { y: number; cb: number; cr: number };
  }) => {
    const s = new Story().begin({ url: URL, enableCamera: false });
    s.op(0, 'start');
    s.devices(0, { camera: o.camera ?? false });
    s.attempt(70);
    const fps = o.fps ?? 5;
    const frames: number[] = [];
    for (let t = 200; t < 8000; t += 1000 / fps) {
      frames.push(t);
      s.tag(t, 'video', { keyframe: frames.length === 1 });
    }
    s.call(200, 'videoEncoder', 'setTargetBitrate', 1, { kbps: 40 }, { kind: 'hardware' });
    const c = o.colour ?? { y: 16, cb: 128, cr: 128 };
    s.add(9000, 'validation.frames', {
      decoded: frames.length,
      samples: frames.length,
      runs: [{ fromMs: 0, toMs: 0, frames: frames.length, ...c }],
    });
    s.end(8000);
    return s.build();
  };
  is(t, enableCameraSwitch, disabled({}), 'pass', 'camera closed');
  is(t, enableCameraSwitch, disabled({ camera: true }), 'fail', 'camera opened');
  is(t, enableCameraSwitch, new Story().begin().build(), 'not-applicable', 'no push');
  is(t, blackWhileDisabled, disabled({}), 'pass', 'black at 5 fps');
  is(t, blackWhileDisabled, disabled({ fps: 15 }), 'fail', '15 fps');
  is(
    t,
    blackWhileDisabled,
    disabled({ colour: { y: 150, cb: 80, cr: 160 } }),
    'fail',
    'camera colour while disabled',
  );
  is(t, blackWhileDisabled, clean(), 'not-applicable', 'camera enabled');
});

t.test('attributes/auto-focus/1, beauty/1, whiteness/1: camera settings reach the camera', async (t) => {
  const setting = (attr: string, method: string, field: string, value: TraceValue, given: TraceValue) =>
    push({ [attr]: attr === 'autoFocus' ? true : 0 }, (s, d) => {
      s.attributes(3000, { [attr]: value });
      const args = method === 'setFilters' ? { beauty: 0, whiteness: 0, [field]: given } : { [field]: given };
      s.call(3010, 'camera', method, d.camera as number, args, { position: 'front' });
    });
  is(
    t,
    autoFocusReachesCamera,
    setting('autoFocus', 'setAutoFocus', 'enabled', false, false),
    'pass',
    'setAutoFocus(false)',
  );
  is(
    t,
    autoFocusReachesCamera,
    setting('autoFocus', 'setAutoFocus', 'enabled', false, true),
    'fail',
    'setAutoFocus(true) for false',
  );
  is(t, autoFocusReachesCamera, new Story().begin().build(), 'not-applicable', 'no camera');
  is(t, beautyReachesCamera, setting('beauty', 'setFilters', 'beauty', 5, 5), 'pass', 'setFilters beauty 5');
  is(t, beautyReachesCamera, setting('beauty', 'setFilters', 'beauty', 5, 0), 'fail', 'beauty never sent');
  is(t, beautyReachesCamera, new Story().begin().build(), 'not-applicable', 'no camera');
  is(
    t,
    whitenessReachesCamera,
    setting('whiteness', 'setFilters', 'whiteness', 4, 4),
    'pass',
    'setFilters whiteness 4',
  );
  is(
    t,
    whitenessReachesCamera,
    setting('whiteness', 'setFilters', 'whiteness', 4, 2),
    'fail',
    'whiteness 2 for 4',
  );
  is(t, whitenessReachesCamera, new Story().begin().build(), 'not-applicable', 'no camera');
  const decodedWrong = push({ beauty: 3 }, (s) => {
    const n = Math.ceil((8000 - 110) / 66.67);
    s.add(9000, 'validation.frames', {
      decoded: n,
      samples: n,
      runs: [{ fromMs: 0, toMs: 0, frames: n, y: 150, cb: 80, cr: 160 }],
    });
  });
  is(t, beautyReachesCamera, decodedWrong, 'fail', 'decoded frames show beauty 0 for 3');
});

/** Encoder targets: `targets` [atMs, kbps] after the open at 0 (1000 kbit/s). */
function targets(
  attributes: Data,
  program: [number, number][],
  changes: [number, Data][] = [],
  videoSize?: number,
): TraceRecord[] {
  const s = new Story().begin({ url: URL, ...attributes });
  s.op(0, 'start');
  s.devices(0, { kbps: program[0]?.[1] ?? 1000 });
  s.attempt(70);
  s.media(110, 8000, { videoSize });
  for (const [at, kbps] of program.slice(1)) {
    s.call(at, 'videoEncoder', 'setTargetBitrate', 1, { kbps }, { kind: 'hardware' });
    s.event(at, 1006);
  }
  for (const [at, a] of changes) s.attributes(at, a);
  s.end(8000);
  return s.build();
}

t.test('attributes/min-bitrate/1, max-bitrate/1..2: targets stay within the bounds', async (t) => {
  is(
    t,
    minBitrateFloor,
    targets({}, [
      [0, 1000],
      [3000, 300],
    ]),
    'pass',
    '300 ≥ 200',
  );
  is(
    t,
    minBitrateFloor,
    targets({}, [
      [0, 1000],
      [3000, 150],
    ]),
    'fail',
    '150 < 200',
  );
  is(t, minBitrateFloor, new Story().begin().build(), 'not-applicable', 'no target');
  is(
    t,
    maxBitrateCeiling,
    targets({ maxBitrate: 1000 }, [[0, 1000]]),
    'pass',
    'target 1000, 480 kbit/s received',
  );
  is(t, maxBitrateCeiling, targets({ maxBitrate: 600 }, [[0, 1000]]), 'fail', 'target 1000 over 600');
  is(
    t,
    maxBitrateCeiling,
    targets({ maxBitrate: 300 }, [[0, 300]], [], 8000),
    'fail',
    '960 kbit/s received over 300',
  );
  is(t, maxBitrateCeiling, new Story().begin().build(), 'not-applicable', 'no target');
  is(
    t,
    boundsApplyAtOnce,
    targets(
      {},
      [
        [0, 1000],
        [3100, 600],
      ],
      [[3000, { maxBitrate: 600 }]],
    ),
    'pass',
    'target 600 within 100 ms',
  );
  is(
    t,
    boundsApplyAtOnce,
    targets(
      {},
      [
        [0, 1000],
        [5000, 600],
      ],
      [[3000, { maxBitrate: 600 }]],
    ),
    'fail',
    'target changed after 2 s',
  );
  is(t, boundsApplyAtOnce, clean(), 'not-applicable', 'no change');
});

t.test('attributes/audio-quality/1..3: the AAC configuration follows the quality', async (t) => {
  const audio = (quality: string, rate: number) => {
    const s = new Story().begin({ url: URL, audioQuality: quality });
    s.op(0, 'start');
    s.devices(0);
    s.attempt(70, { meta: { width: 544, height: 960, audiosamplerate: rate } });
    s.media(110, 14_000, { sampleRate: rate });
    s.end(14_000);
    return s.build();
  };
  is(t, highQualityAudio, audio('high', 48_000), 'pass', 'high at 48 kHz');
  is(t, highQualityAudio, audio('high', 16_000), 'fail', 'high at 16 kHz');
  is(t, highQualityAudio, audio('low', 16_000), 'not-applicable', 'low');
  is(t, lowQualityAudio, audio('low', 16_000), 'pass', 'low at 16 kHz, 25 kbit/s');
  is(t, lowQualityAudio, audio('low', 48_000), 'fail', 'low at 48 kHz');
  is(t, lowQualityAudio, audio('high', 48_000), 'not-applicable', 'high');
  const switched = (newHeader: boolean) =>
    push(
      {},
      (s) => {
        s.attributes(3000, { audioQuality: 'high' });
        if (newHeader) {
          s.header(3020, 'audio', { sampleRate: 48_000, channels: 2 });
        }
      },
      { until: 6000 },
    );
  // The synthetic media keeps sending audio after 3 s; the switch is judged on the next configuration only.
  is(t, audioQualitySwitch, switched(false), 'fail', 'no new sequence header');
  is(t, audioQualitySwitch, clean(), 'not-applicable', 'no change');
});

t.test('attributes/waiting-image/1, waiting-image-hash/1, background-mute/1', async (t) => {
  const img = 'http://cdn.lpc.test/w.png';
  const fetches = (urls: string[]) => {
    const s = new Story().begin({ url: URL, waitingImage: img });
    urls.forEach((u, i) => {
      s.add(10 + i, 'net.http.request', { conn: 100 + i, url: u, attempt: i + 1 });
      s.add(20 + i, 'net.http.response', {
        conn: 100 + i,
        url: u,
        attempt: i + 1,
        status: 200,
        bytes: 100,
        scripted: 'ok',
      });
    });
    return s.build();
  };
  is(t, waitingImageFetches, fetches([img]), 'pass', 'one fetch of the URL');
  is(t, waitingImageFetches, fetches([img, img]), 'fail', 'fetched twice');
  is(t, waitingImageFetches, fetches(['http://cdn.lpc.test/other.png']), 'fail', 'another URL');
  is(t, waitingImageFetches, clean(), 'not-applicable', 'no waiting image');

  const background = (hash: string, pushesImage: boolean) => {
    const s = new Story().begin(
      { url: URL, waitingImage: img, waitingImageHash: hash },
      {
        waitingImage: {
          url: img,
          md5: 'b189fbedb6832dd075e5e4eca7b78746',
          colour: { y: 136, cb: 103, cr: 66 },
        },
      },
    );
    s.op(0, 'start');
    s.devices(0);
    s.attempt(70);
    s.media(110, 2000);
    s.app(2000, 'background');
    if (pushesImage) for (let t = 2200; t < 6000; t += 200) s.tag(t, 'video', { keyframe: t === 2200 });
    for (let t = 2000; t < 6000; t += 64) s.tag(t, 'audio');
    s.app(6000, 'foreground');
    s.end(7000);
    return s.build();
  };
  is(
    t,
    waitingImageHashRule,
    background(' B189FBEDB6832DD075E5E4ECA7B78746 ', true),
    'pass',
    'upper-case MD5 accepted',
  );
  is(t, waitingImageHashRule, background('0123', true), 'fail', 'wrong MD5 but the image was pushed');
  is(
    t,
    waitingImageHashRule,
    background('B189FBEDB6832DD075E5E4ECA7B78746', false),
    'fail',
    'right MD5 but not pushed',
  );
  is(t, waitingImageHashRule, clean(), 'not-applicable', 'no waiting image served');

  is(t, microphoneInBackground, background('', true), 'pass', 'microphone kept, audio continuous');
  const closesMic = push({}, (s, d) => {
    s.app(2000, 'background');
    s.close(2000, 'microphone', d.mic as number);
    s.app(5000, 'foreground');
  });
  is(t, microphoneInBackground, closesMic, 'fail', 'microphone closed in the background');
  is(t, microphoneInBackground, clean(), 'not-applicable', 'never in the background');
});

t.test('attributes/debug/1 and bindstatechange/1', async (t) => {
  const logged = new Story().begin({ url: URL, debug: true });
  logged.event(100, 1003);
  logged.log(100, 'info', 'event 1003: camera enabled');
  const o = debugLog.evaluate(logged.build());
  t.equal(o.status, 'pass', o.summary);
  t.equal(o.numbers?.eventsLogged, 1);
  is(t, eventsWellFormed, clean(), 'pass', 'known codes');
  const unknown = new Story().begin();
  unknown.event(100, 4242);
  is(t, eventsWellFormed, unknown.build(), 'fail', 'code 4242');
  const empty = new Story().begin();
  empty.event(100, 1003, '');
  is(t, eventsWellFormed, empty.build(), 'fail', 'empty message');
  is(t, eventsWellFormed, new Story().begin().build(), 'not-applicable', 'no event');
});

t.test('attributes/invalid/1..5: invalid values fall back without harm, each logged', async (t) => {
  const harmless = push({ beauty: 12 }, (s) => s.attributes(3000, { mode: 'ULTRA' }));
  is(t, invalidValuesHarmless, harmless, 'pass', 'ignored');
  const crashes = push({}, (s) => {
    s.attributes(3000, { beauty: 'x' });
    s.add(3000, 'pusher.crash', { where: 'setAttributes', message: 'TypeError' });
  });
  is(t, invalidValuesHarmless, crashes, 'fail', 'setAttributes threw');
  const disrupts = push({}, (s, d) => {
    s.attributes(3000, { mode: 'ULTRA' });
    s.pusherClose(3010, d.conn);
    s.event(3010, 3005);
  });
  is(t, invalidValuesHarmless, disrupts, 'fail', 'the push reconnected');
  is(t, invalidValuesHarmless, clean(), 'not-applicable', 'no invalid value');

  const reshapes = push({}, (s) => {
    s.attributes(3000, { orientation: 'sideways' });
    s.header(3100, 'video', { width: 960, height: 544 });
  });
  is(t, unknownEnumKeeps, reshapes, 'fail', 'an unknown orientation reshaped the stream');
  is(
    t,
    unknownEnumKeeps,
    push({}, (s) => s.attributes(3000, { orientation: 'sideways' })),
    'pass',
    'unknown orientation ignored',
  );
  const adapts = push({}, (s) => {
    s.attributes(3000, { aspect: '1:1' });
    s.event(3100, 1005);
    s.header(3100, 'video', { width: 272, height: 480 });
  });
  is(
    t,
    unknownEnumKeeps,
    adapts,
    'pass',
    'a smaller rung of the same shape is adaptation, not the unknown value',
  );
  const aboveCeiling = push({}, (s) => {
    s.attributes(3000, { mode: 'ULTRA' });
    s.header(3100, 'video', { width: 1088, height: 1920 });
  });
  is(t, unknownEnumKeeps, aboveCeiling, 'fail', 'an unknown mode raised the resolution past the ceiling');
  is(t, unknownEnumKeeps, clean(), 'not-applicable', 'no unknown value');

  const clamped = (sent: number) =>
    push({}, (s, d) => {
      s.attributes(3000, { beauty: 12 });
      s.call(
        3010,
        'camera',
        'setFilters',
        d.camera as number,
        { beauty: sent, whiteness: 0 },
        { position: 'front' },
      );
    });
  is(t, numbersClamped, clamped(9), 'pass', '12 → 9');
  is(t, numbersClamped, clamped(0), 'fail', '12 → 0');
  is(t, numbersClamped, clean(), 'not-applicable', 'no number to clamp');

  const strings = (micOpens: boolean) => {
    const s = new Story().begin({ url: URL, muted: 'true' });
    s.op(0, 'start');
    s.devices(0, { mic: micOpens });
    s.attempt(70);
    s.media(110, 3000);
    s.end(3000);
    return s.build();
  };
  is(t, booleanStrings, strings(false), 'pass', 'muted "true" keeps the microphone closed');
  is(t, booleanStrings, strings(true), 'fail', 'muted "true" ignored');
  is(t, booleanStrings, clean(), 'not-applicable', 'only booleans');

  const warned = (log: boolean) => {
    const s = new Story().begin({ url: URL });
    s.attributes(1000, { mode: 'ULTRA' });
    if (log) s.log(1000, 'warn', 'attribute mode="ULTRA": expected one of SD, HD, FHD, RTC; using "RTC"');
    return s.build();
  };
  is(t, fallbacksLogged, warned(true), 'pass', 'warned');
  is(t, fallbacksLogged, warned(false), 'fail', 'silent fallback');
  is(t, fallbacksLogged, clean(), 'not-applicable', 'no fallback');
});

t.test('the reference pusher passes attributes/url-and-autopush', async (t) => {
  const { problems: p0 } = await referenceVerdicts('attributes/url-and-autopush.yaml');
  t.same(p0, [], 'attributes/url-and-autopush');
});
