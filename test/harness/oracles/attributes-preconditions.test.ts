/**
 * attributes/* oracles on traces where something else explains what the attribute did not do (found by the
 * 500-run campaign against the reference pusher): a critical device error ending the push before its
 * devices opened, pause(), reconnections, tags in flight at a change, faults of the network, half-open
 * connections. Each case is judged not applicable / indeterminate / pass where it used to FAIL, and a
 * sibling case keeps the oracle sharp (the same symptom without the excuse still fails).
 */
import t from 'tap';
import {
  audioQualitySwitch,
  autopushStarts,
  blackWhileDisabled,
  enableCameraSwitch,
  highQualityAudio,
  invalidValuesHarmless,
  microphoneInBackground,
  mutedClosesMicrophone,
  reshapeOnChange,
} from '../../../harness/oracles/attributes.js';
import type { Check } from '../../../harness/oracles/types.js';
import type { TraceRecord, TraceValue } from '../../../harness/sim/trace.js';
import { cleanPush, Story, URL } from './push-story.js';

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

/** start() at 0; the hardware encoder refuses the size: -1305 ends the push before any camera or mic. */
function criticalAtStart(attributes: Data = { url: URL }, op = true): Story {
  const s = new Story().begin(attributes);
  if (op) s.op(0, 'start');
  s.failOpen(0, 'videoEncoder', 'UNSUPPORTED', { kind: 'hardware' });
  s.event(0, -1305);
  return s;
}

t.test('muted/1, enable-camera/1, autopush/1: a critical error before the devices opened', async (t) => {
  const crit = criticalAtStart().end(8000).build();
  is(t, mutedClosesMicrophone, crit, 'indeterminate', 'muted: -1305 at 0 ms');
  is(t, enableCameraSwitch, crit, 'indeterminate', 'enable-camera: -1305 at 0 ms');
  const t0 = mutedClosesMicrophone.evaluate(crit);
  t.match(t0.summary, /critical error -1305/, 'the evidence names the critical error');

  const auto = criticalAtStart({ url: URL, autopush: true }, false).end(8000).build();
  is(t, autopushStarts, auto, 'indeterminate', 'autopush: -1305 at 0 ms');

  // A second start() after the critical error opens everything: judged, passes.
  const again = criticalAtStart();
  again.op(3000, 'start');
  cleanPush(again, 3000, 8000);
  again.end(8000);
  is(t, mutedClosesMicrophone, again.build(), 'pass', 'muted: the second push opened the microphone');
  is(t, enableCameraSwitch, again.build(), 'pass', 'enable-camera: the second push opened the camera');

  // Sharp: a push that goes on without ever opening the microphone / camera still fails.
  const noMic = new Story().begin();
  noMic.op(0, 'start');
  const conn = noMic.attempt(70);
  noMic.media(110, 8000);
  noMic.open(0, 'camera', { position: 'front' }, { position: 'front' });
  noMic.end(8000);
  is(t, mutedClosesMicrophone, noMic.build(), 'fail', 'muted: no microphone, no excuse');
  const noCam = new Story().begin();
  noCam.op(0, 'start');
  noCam.open(70, 'microphone', { sampleRate: 16000, channels: 1 });
  noCam.attempt(70);
  noCam.end(8000);
  is(t, enableCameraSwitch, noCam.build(), 'fail', 'enable-camera: no camera, no excuse');
  t.ok(conn > 0);

  // A push stopped after 2 s without a microphone is not excused by its later end.
  const late = new Story().begin();
  late.op(0, 'start');
  late.open(50, 'camera', { position: 'front' }, { position: 'front' }, 0);
  late.attempt(70);
  late.op(5000, 'stop');
  late.end(8000);
  is(t, mutedClosesMicrophone, late.build(), 'fail', 'muted: stop() after the deadline excuses nothing');
});

t.test('muted/1: pause() explains missing audio and a microphone not reopened on unmute', async (t) => {
  // Muted during a paused push: no audio frame arrives, and none is due.
  const paused = new Story().begin();
  paused.op(0, 'start');
  const d = cleanPush(paused, 0, 1000);
  paused.op(1000, 'pause');
  paused.close(1000, 'camera', d.camera as number, { position: 'front' });
  paused.close(1000, 'microphone', d.mic as number);
  paused.attributes(1500, { muted: true });
  paused.end(8000);
  is(t, mutedClosesMicrophone, paused.build(), 'pass', 'muted while paused');

  // Unmuted while paused: the microphone stays closed until resume().
  const unmute = new Story().begin({ url: URL, muted: true });
  unmute.op(0, 'start');
  cleanPush(unmute, 0, 2000, { mic: false });
  unmute.op(2000, 'pause');
  unmute.attributes(4000, { muted: false });
  unmute.end(8000);
  is(t, mutedClosesMicrophone, unmute.build(), 'pass', 'unmuted while paused');

  // Sharp: the same unmute without the pause fails.
  const sharp = new Story().begin({ url: URL, muted: true });
  sharp.op(0, 'start');
  cleanPush(sharp, 0, 8000, { mic: false });
  sharp.attributes(4000, { muted: false });
  sharp.end(8000);
  is(t, mutedClosesMicrophone, sharp.build(), 'fail', 'unmuted, no microphone, no pause');

  // Sharp: muted while publishing with no audio frame at all still fails.
  const silent = new Story().begin({ url: URL, muted: true });
  silent.op(0, 'start');
  silent.devices(0, { mic: false });
  silent.attempt(70);
  for (let x = 110; x < 8000; x += 66.67) silent.tag(x, 'video');
  silent.end(8000);
  is(t, mutedClosesMicrophone, silent.build(), 'fail', 'muted, publishing, no audio frame');

  // The same silence through a connection gone half-open before the muted window: nothing could arrive.
  const frozen = new Story().begin({ url: URL, muted: true });
  frozen.op(0, 'start');
  frozen.devices(0, { mic: false });
  const fc = frozen.attempt(70);
  frozen.add(300, 'net.half_open', { conn: fc });
  frozen.end(8000);
  is(t, mutedClosesMicrophone, frozen.build(), 'pass', 'muted, half-open: only the microphone is judged');
});

t.test(
  'background-mute/1: pause() closes the microphone; a reconnection restarts the timestamps',
  async (t) => {
    const pausedBg = new Story().begin();
    pausedBg.op(0, 'start');
    const d = cleanPush(pausedBg, 0, 5000);
    pausedBg.app(3000, 'background');
    pausedBg.op(5000, 'pause');
    pausedBg.close(5000, 'microphone', d.mic as number);
    pausedBg.end(8000);
    is(t, microphoneInBackground, pausedBg.build(), 'pass', 'the mic closed by pause() in the background');

    const closedBg = new Story().begin();
    closedBg.op(0, 'start');
    const d2 = cleanPush(closedBg, 0, 5000);
    closedBg.app(3000, 'background');
    closedBg.close(5000, 'microphone', d2.mic as number);
    closedBg.end(8000);
    is(t, microphoneInBackground, closedBg.build(), 'fail', 'the mic closed in the background, no pause');

    // The server shifts a republished stream's timestamps: no gap is measured across two connections.
    const reconnect = new Story().begin();
    reconnect.op(0, 'start');
    const d3 = cleanPush(reconnect, 0, 4000);
    reconnect.app(2000, 'background');
    reconnect.reset(4000, d3.conn);
    reconnect.event(4000, 3005);
    reconnect.event(4000, 1102);
    reconnect.attempt(7000);
    for (let x = 7050; x < 10_000; x += 64) reconnect.tag(x, 'audio', { ts: Math.round(x) + 20_000 });
    reconnect.end(10_000);
    is(t, microphoneInBackground, reconnect.build(), 'pass', 'timestamps restart on the new connection');

    const gap = new Story().begin();
    gap.op(0, 'start');
    gap.devices(0);
    gap.attempt(70);
    gap.media(110, 3000);
    gap.app(2000, 'background');
    for (let x = 3000; x < 8000; x += 64) gap.tag(x, 'audio', { ts: Math.round(x) + 5000 });
    gap.end(8000);
    is(t, microphoneInBackground, gap.build(), 'fail', 'a jump within one connection still fails');
  },
);

t.test('audio-quality/1, /3: a tag written before the change and still in flight', async (t) => {
  /** Quality set to high at 1000 ms; an old 16 kHz header and frame (written at 960 ms) arrive after it. */
  const build = (oldTs: number) => {
    const s = new Story().begin();
    s.op(0, 'start');
    cleanPush(s, 0, 950);
    s.attributes(1000, { audioQuality: 'high' });
    s.header(1010, 'audio', { sampleRate: 16000, channels: 1 });
    s.tag(1020, 'audio', { ts: oldTs });
    s.header(1040, 'audio', { sampleRate: 48000, channels: 2 });
    for (let x = 1060; x < 4000; x += 21) s.tag(x, 'audio');
    s.end(4000);
    const trace = s.build();
    // The old header carries the old timestamp too.
    const h = trace.find((r) => r.kind === 'observer.tag' && r.t === 1010_000);
    if (h) (h.data as Data).ts = oldTs;
    return trace;
  };
  const inFlight = build(960);
  is(t, highQualityAudio, inFlight, 'pass', 'audio-quality/1: old header written before the change');
  is(t, audioQualitySwitch, inFlight, 'pass', 'audio-quality/3: old frame written before the change');
  const after = build(1010);
  is(t, highQualityAudio, after, 'fail', 'audio-quality/1: a 16 kHz header written after the change');
  is(t, audioQualitySwitch, after, 'fail', 'audio-quality/3: an old frame written after the change');
});

t.test('invalid/1: a failure the network caused is not blamed on an invalid value', async (t) => {
  const build = (dnsFails: boolean) => {
    const s = new Story().begin();
    s.op(0, 'start');
    s.devices(0);
    s.add(70, 'net.dns.query', { host: 'media.lpc.test', attempt: 1, via: 'dns' });
    s.attributes(1500, { beauty: 4.6 });
    if (dnsFails)
      s.add(2000, 'net.dns.answer', { host: 'media.lpc.test', attempt: 1, error: 'TIMEOUT', via: 'dns' });
    else
      s.add(200, 'net.dns.answer', { host: 'media.lpc.test', attempt: 1, address: '10.0.0.1', via: 'dns' });
    s.event(2000, 3001);
    s.event(2000, 1102);
    s.end(8000);
    return s.build();
  };
  is(t, invalidValuesHarmless, build(true), 'pass', 'the DNS query started before the change timed out');
  is(t, invalidValuesHarmless, build(false), 'fail', 'a 3001 with no failed attempt is still blamed');
});

t.test('orientation/2: nothing written can arrive through a half-open connection', async (t) => {
  const build = (halfOpen: boolean) => {
    const s = new Story().begin();
    s.op(0, 'start');
    const d = cleanPush(s, 0, 2000);
    if (halfOpen) s.add(2000, 'net.half_open', { conn: d.conn });
    s.attributes(3000, { orientation: 'horizontal' });
    s.event(3000, 1005);
    s.add(3000, 'wire.data', {
      conn: d.conn,
      name: '@setDataFrame',
      args: ['onMetaData', { width: 960, height: 544 }],
    });
    s.end(8000);
    return s.build();
  };
  is(t, reshapeOnChange, build(true), 'indeterminate', 'half-open before the change');
  is(t, reshapeOnChange, build(false), 'fail', 'an open connection and no new header');
});

t.test('enable-camera/2: a paused push writes no black frames either', async (t) => {
  const build = (pause: boolean) => {
    const s = new Story().begin({ url: URL, enableCamera: false });
    s.op(0, 'start');
    s.devices(0, { camera: false });
    s.attempt(70);
    for (let x = 110; x < 3000; x += 200) s.tag(x, 'video');
    if (pause) s.op(3000, 'pause');
    s.end(12_000);
    return s.build();
  };
  is(t, blackWhileDisabled, build(true), 'not-applicable', 'paused: no 5 s window to judge');
  is(t, blackWhileDisabled, build(false), 'fail', 'not paused: the video stopped');
});
