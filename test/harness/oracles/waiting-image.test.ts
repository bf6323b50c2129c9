import t, { type Test } from 'tap';
import type { Check, OutcomeStatus } from '../../../harness/oracles/types.js';
import {
  downloadFailureRejected,
  fallbackWithoutImage,
  hashMismatchRejected,
  imageStatusAt,
  keepAliveEnds,
  keepAliveHolds,
  resumeAfterKeepAlive,
  resumeBeforeKeepAlive,
  waitingImageFrameRate,
  waitingImagePrefetched,
  waitingImagePushed,
  waitingImageTraffic,
} from '../../../harness/oracles/waiting-image.js';
import type { TraceRecord, TraceValue } from '../../../harness/sim/trace.js';
import { FRONT, GREEN, type SyntheticPush, syntheticPush, type TraceBuilder } from './synthetic-push.js';

/** Evaluate `check` on `trace` and assert its status; the summary is the assertion's message. */
function expectStatus(t: Test, check: Check, trace: readonly TraceRecord[], status: OutcomeStatus): void {
  const o = check.evaluate(trace);
  t.equal(o.status, status, `${check.requirement} ${status}: ${o.summary}`);
}

const URL = 'http://cdn.lpc.test/waiting.png';
const MD5 = '0123456789abcdef0123456789abcdef';
/** K of these traces: 10 s keeps them short. */
const K = 10000;

interface Scenario {
  /** waiting-image-hash (default: the image's MD5; '' skips the check). */
  hash?: string;
  /** The fetch's response (default 200 from the waiting-image rule). */
  response?: { [key: string]: TraceValue };
  /** HTTP rule that answered (default 0, the waiting-image rule). */
  rule?: number;
  url?: string;
  bgAtMs?: number;
  fgAtMs?: number;
  durationMs?: number;
  /** What the pusher pushes in the background: the image at `fps`, nothing, or the camera. */
  background?: 'image' | 'nothing' | 'camera';
  fps?: number;
  /** The keep-alive's end: close (FCUnpublish, deleteStream) at bg + K + this; undefined = never closes. */
  closeAfterKMs?: number;
  /** A new connection this long after the return (keep-alive ended). */
  reconnectAfterMs?: number;
  targetInBackground?: number;
  videoFactor?: number;
  audioInBackground?: boolean;
  extra?: (b: TraceBuilder) => void;
  tweak?: (o: SyntheticPush) => SyntheticPush;
}

/** A push that goes to the background at 5 s with a waiting image (K = 10 s). */
function scenario(s: Scenario = {}): TraceRecord[] {
  const bg = s.bgAtMs ?? 5000;
  const fg = s.fgAtMs;
  const end = s.durationMs ?? 14000;
  const fps = s.fps ?? 5;
  const kEnd = s.closeAfterKMs === undefined ? Number.POSITIVE_INFINITY : bg + K + s.closeAfterKMs;
  const inBackground = (tMs: number) => tMs > bg && (fg === undefined || tMs < fg);
  let firstImage = true;
  const o: SyntheticPush = {
    durationMs: end,
    attributes: { waitingImage: s.url ?? URL, waitingImageHash: s.hash ?? MD5 },
    profile: { waitingImageKeepAliveMs: K },
    app: [
      { atMs: bg, state: 'background' },
      ...(fg === undefined ? [] : [{ atMs: fg, state: 'foreground' as const }]),
    ],
    cameras: [
      { openAtMs: 50, stopAtMs: bg },
      ...(fg === undefined ? [] : [{ calledAtMs: fg, openAtMs: fg + 50 }]),
    ],
    targets: [
      { atMs: 0, kbps: 300 },
      { atMs: bg, kbps: s.targetInBackground ?? 24 },
      ...(fg === undefined ? [] : [{ atMs: fg, kbps: 300 }]),
    ],
    videoFactor: s.videoFactor ?? 0.9,
    closeAtMs: Number.isFinite(kEnd) ? kEnd : undefined,
    reconnections:
      fg !== undefined && s.reconnectAfterMs !== undefined
        ? [{ connectAtMs: fg + s.reconnectAfterMs, publishAtMs: fg + s.reconnectAfterMs + 100 }]
        : undefined,
    audio: (tMs) => s.audioInBackground !== false || !inBackground(tMs),
    picture: (tMs) => {
      if (fg !== undefined && tMs >= fg && tMs < fg + 100) return undefined; // the camera reopens
      if (!inBackground(tMs))
        return { colour: FRONT, keyframe: fg !== undefined && tMs >= fg + 100 && tMs < fg + 150 };
      const mode = s.background ?? 'image';
      if (mode === 'nothing') return undefined;
      if (mode === 'camera') return { colour: FRONT };
      if (Math.round(tMs - 100) % Math.round(1000 / fps) >= 50) return undefined;
      const keyframe = firstImage;
      firstImage = false;
      return { colour: GREEN, keyframe };
    },
    extra: (b) => {
      b.add(0, 'net.http.request', { conn: 9, url: s.url ?? URL, attempt: 1, rule: s.rule ?? 0 });
      b.add(80, 'net.http.response', {
        conn: 9,
        url: s.url ?? URL,
        attempt: 1,
        status: 200,
        bytes: 180,
        scripted: '200',
        ...(s.response ?? {}),
      });
      if (Number.isFinite(kEnd)) {
        b.add(kEnd - 1, 'wire.command', { conn: 1, name: 'FCUnpublish' });
        b.add(kEnd - 1, 'wire.command', { conn: 1, name: 'deleteStream' });
      }
      if (s.response?.status !== undefined && s.response.status !== 200)
        b.add(80, 'pusher.log', { level: 'warn', message: 'waiting image not used' });
      s.extra?.(b);
    },
  };
  const records = syntheticPush(s.tweak ? s.tweak(o) : o);
  // case.start carries the served image (docs/trace.md).
  return records.map((r) =>
    r.kind === 'case.start'
      ? { ...r, data: { ...r.data, waitingImage: { url: URL, md5: MD5, colour: { ...GREEN }, rule: 0 } } }
      : r,
  );
}

t.test('the image status reads the fetch, the hash and the serving rule', async (t) => {
  t.equal(imageStatusAt(scenario(), 5000).verdict, 'usable');
  t.equal(imageStatusAt(scenario({ hash: MD5.toUpperCase() }), 5000).verdict, 'usable', 'hex in any case');
  t.equal(imageStatusAt(scenario({ hash: '' }), 5000).verdict, 'usable', 'an empty hash skips the check');
  t.equal(imageStatusAt(scenario({ hash: 'ffff' }), 5000).verdict, 'hash-mismatch');
  t.equal(imageStatusAt(scenario({ response: { status: 404 } }), 5000).verdict, 'http-status');
  t.equal(
    imageStatusAt(scenario({ response: { status: null, error: 'ECONNRESET' } }), 5000).verdict,
    'transport',
  );
  t.equal(
    imageStatusAt(scenario({ hash: '', rule: 1 }), 5000).verdict,
    'undecodable',
    'another rule served another body',
  );
  t.equal(imageStatusAt(scenario({ url: '' }), 5000).verdict, 'no-url');
});

t.test('waiting-image/push/1', async (t) => {
  expectStatus(t, waitingImagePushed, scenario({ fgAtMs: 12000 }), 'pass');
  expectStatus(t, waitingImagePushed, scenario({ fgAtMs: 12000, background: 'nothing' }), 'fail');
  expectStatus(t, waitingImagePushed, scenario({ fgAtMs: 12000, background: 'camera' }), 'fail');
  expectStatus(t, waitingImagePushed, syntheticPush(), 'not-applicable');
  const undecoded = scenario({ fgAtMs: 12000 }).filter((r) => r.kind !== 'validation.frames');
  expectStatus(t, waitingImagePushed, undecoded, 'indeterminate');
});

t.test('waiting-image/push/2', async (t) => {
  expectStatus(t, waitingImageFrameRate, scenario({ fgAtMs: 13000 }), 'pass');
  expectStatus(t, waitingImageFrameRate, scenario({ fgAtMs: 13000, fps: 10 }), 'fail');
  expectStatus(t, waitingImageFrameRate, syntheticPush(), 'not-applicable');
});

t.test('waiting-image/prefetch/1', async (t) => {
  expectStatus(t, waitingImagePrefetched, scenario({ fgAtMs: 12000 }), 'pass');
  // The image reaches the server only 2 s after backgrounding.
  const late = scenario({
    fgAtMs: 12000,
    tweak: (o) => ({
      ...o,
      picture: (tMs) => (tMs > 5000 && tMs < 7000 ? undefined : o.picture?.(tMs)),
    }),
  });
  expectStatus(t, waitingImagePrefetched, late, 'fail');
  expectStatus(t, waitingImagePrefetched, syntheticPush(), 'not-applicable');
});

t.test('waiting-image/traffic/1', async (t) => {
  expectStatus(t, waitingImageTraffic, scenario({ fgAtMs: 13000 }), 'pass');
  expectStatus(t, waitingImageTraffic, scenario({ fgAtMs: 13000, targetInBackground: 200 }), 'fail');
  expectStatus(t, waitingImageTraffic, syntheticPush(), 'not-applicable');
});

t.test('waiting-image/keep-alive/1', async (t) => {
  expectStatus(t, keepAliveHolds, scenario({ durationMs: 18000, closeAfterKMs: 50 }), 'pass');
  expectStatus(t, keepAliveHolds, scenario({ durationMs: 18000, closeAfterKMs: -5000 }), 'fail');
  expectStatus(
    t,
    keepAliveHolds,
    scenario({ durationMs: 18000, background: 'nothing', audioInBackground: false }),
    'fail',
  );
  expectStatus(t, keepAliveHolds, syntheticPush(), 'not-applicable');
  expectStatus(t, keepAliveHolds, scenario({ durationMs: 9000 }), 'indeterminate');
});

t.test('waiting-image/keep-alive/2', async (t) => {
  expectStatus(t, keepAliveEnds, scenario({ durationMs: 18000, closeAfterKMs: 50 }), 'pass');
  expectStatus(t, keepAliveEnds, scenario({ durationMs: 18000 }), 'fail');
  expectStatus(t, keepAliveEnds, scenario({ durationMs: 18000, closeAfterKMs: 2500 }), 'fail');
  const reconnects = scenario({
    durationMs: 18000,
    closeAfterKMs: 50,
    extra: (b) => b.add(16000, 'net.connect', { conn: 2 }),
  });
  expectStatus(t, keepAliveEnds, reconnects, 'fail');
  expectStatus(t, keepAliveEnds, syntheticPush(), 'not-applicable');
  expectStatus(t, keepAliveEnds, scenario({ fgAtMs: 9000 }), 'indeterminate');
});

t.test('waiting-image/resume/1', async (t) => {
  expectStatus(t, resumeBeforeKeepAlive, scenario({ fgAtMs: 10000 }), 'pass');
  const noCamera = scenario({
    fgAtMs: 10000,
    tweak: (o) => ({ ...o, cameras: o.cameras?.slice(0, 1) }),
  });
  expectStatus(t, resumeBeforeKeepAlive, noCamera, 'fail');
  const stale = scenario({
    fgAtMs: 10000,
    tweak: (o) => ({
      ...o,
      picture: (tMs) => (tMs > 5000 && tMs < 11000 ? { colour: GREEN } : o.picture?.(tMs)),
    }),
  });
  expectStatus(t, resumeBeforeKeepAlive, stale, 'fail');
  const reconnects = scenario({ fgAtMs: 10000, extra: (b) => b.add(10500, 'net.connect', { conn: 2 }) });
  expectStatus(t, resumeBeforeKeepAlive, reconnects, 'fail');
  expectStatus(t, resumeBeforeKeepAlive, syntheticPush(), 'not-applicable');
});

t.test('waiting-image/resume/2', async (t) => {
  const back = (reconnectAfterMs?: number, extra?: (b: TraceBuilder) => void) =>
    scenario({ durationMs: 24000, closeAfterKMs: 50, fgAtMs: 18000, reconnectAfterMs, extra });
  expectStatus(t, resumeAfterKeepAlive, back(50), 'pass');
  expectStatus(t, resumeAfterKeepAlive, back(undefined), 'fail');
  expectStatus(t, resumeAfterKeepAlive, back(3000), 'fail');
  expectStatus(
    t,
    resumeAfterKeepAlive,
    back(50, (b) => b.add(18060, 'pusher.event', { code: 1102, message: 'reconnect' })),
    'fail',
  );
  expectStatus(t, resumeAfterKeepAlive, scenario({ fgAtMs: 10000 }), 'indeterminate');
  expectStatus(t, resumeAfterKeepAlive, syntheticPush(), 'not-applicable');
});

t.test('waiting-image/hash/1', async (t) => {
  expectStatus(
    t,
    hashMismatchRejected,
    scenario({ fgAtMs: 12000, hash: 'ffff', background: 'nothing' }),
    'pass',
  );
  expectStatus(t, hashMismatchRejected, scenario({ fgAtMs: 12000, hash: 'ffff' }), 'fail');
  expectStatus(t, hashMismatchRejected, scenario({ fgAtMs: 12000, background: 'nothing' }), 'indeterminate');
  expectStatus(t, hashMismatchRejected, syntheticPush(), 'not-applicable');
});

t.test('waiting-image/download/1', async (t) => {
  const notFound = { fgAtMs: 12000, response: { status: 404 } };
  expectStatus(t, downloadFailureRejected, scenario({ ...notFound, background: 'nothing' }), 'pass');
  expectStatus(t, downloadFailureRejected, scenario({ ...notFound }), 'fail');
  const silent = scenario({ ...notFound, background: 'nothing' }).filter((r) => r.kind !== 'pusher.log');
  expectStatus(t, downloadFailureRejected, silent, 'fail');
  expectStatus(t, downloadFailureRejected, syntheticPush(), 'not-applicable');
});

t.test('waiting-image/fallback/1', async (t) => {
  const noImage = (s: Scenario) => scenario({ url: '', fgAtMs: 12000, ...s });
  expectStatus(t, fallbackWithoutImage, noImage({ background: 'nothing' }), 'pass');
  expectStatus(t, fallbackWithoutImage, noImage({ background: 'camera' }), 'fail');
  expectStatus(t, fallbackWithoutImage, noImage({ background: 'nothing', audioInBackground: false }), 'fail');
  expectStatus(t, fallbackWithoutImage, syntheticPush(), 'not-applicable');
  expectStatus(t, fallbackWithoutImage, scenario({ fgAtMs: 12000 }), 'indeterminate');
});

// ---------------------------------------------------------------------------------------------------
// Campaign false positives of seed 1: media times at the pusher's side, pauses and injected faults.
// ---------------------------------------------------------------------------------------------------

const isTag = (r: TraceRecord, type: string) => r.kind === 'observer.tag' && r.data.type === type;
const tsOf = (r: TraceRecord) => Number(r.data.ts);

/** Re-time and re-stamp records, then restore the trace's order. */
function retimed(trace: readonly TraceRecord[], change: (r: TraceRecord) => TraceRecord): TraceRecord[] {
  return trace
    .map(change)
    .sort((a, b) => a.t - b.t || a.seq - b.seq)
    .map((r, seq) => ({ ...r, seq }));
}

t.test('waiting-image/fallback/1: video written before backgrounding may arrive after it', async (t) => {
  // Connection 1 fails at 3000 ms; the pusher republishes at 3500 ms and node-media-server continues the
  // timeline (adds the last timestamp per track); frames captured 4900..5000 ms queue and arrive at 5150 ms.
  const republished = scenario({
    url: '',
    fgAtMs: 12000,
    background: 'nothing',
    tweak: (o) => ({ ...o, closeAtMs: 3000, reconnections: [{ connectAtMs: 3300, publishAtMs: 3500 }] }),
  });
  const last = { audio: 0, video: 0 };
  for (const r of republished)
    if (r.kind === 'observer.tag' && r.t <= 3000_000) last[r.data.type as 'audio' | 'video'] = tsOf(r);
  const trace = retimed(republished, (r) => {
    if (r.kind !== 'observer.tag' || r.t < 3500_000) return r;
    const ts = tsOf(r);
    const type = r.data.type as 'audio' | 'video';
    const late = type === 'video' && ts >= 4900 && ts <= 5000;
    return { ...r, t: late ? 5150_000 : r.t, data: { ...r.data, ts: ts + last[type] } };
  });
  t.ok(
    trace.some((r) => isTag(r, 'video') && r.t === 5150_000),
    'camera frames arrive after the background record',
  );
  expectStatus(t, fallbackWithoutImage, trace, 'pass');
  // Still sharp: a frame captured in the background fails, shifted or not.
  const leaked = retimed(trace, (r) =>
    isTag(r, 'video') && r.t === 5150_000 ? { ...r, data: { ...r.data, ts: tsOf(r) + 200 } } : r,
  );
  expectStatus(t, fallbackWithoutImage, leaked, 'fail');
});

t.test('waiting-image/fallback/1 and keep-alive/1: pauses and injected faults', async (t) => {
  // pause() at 7000 ms in the background: no media is due until resume() (+ 2 s).
  const paused = scenario({
    url: '',
    fgAtMs: 12000,
    background: 'nothing',
    tweak: (o) => ({
      ...o,
      audio: (tMs) => tMs < 7000 || tMs > 12000,
      extra: (b) => {
        o.extra?.(b);
        b.add(7000, 'pusher.op', { op: 'pause', id: 2, phase: 'call' });
        b.add(7000, 'pusher.op', { op: 'pause', id: 2, phase: 'result', ok: true, errMsg: 'pause:ok' });
      },
    }),
  });
  expectStatus(t, fallbackWithoutImage, paused, 'pass');
  expectStatus(t, keepAliveHolds, paused, 'pass');
  // A server kick at 8000 ms: the 1102 and the reconnection are the reconnect rules' business, and the
  // frames in flight were lost.
  const kicked = scenario({
    url: '',
    fgAtMs: 12000,
    background: 'nothing',
    tweak: (o) => ({
      ...o,
      closeAtMs: 8000,
      audio: (tMs) => tMs < 7600 || tMs > 11000,
      reconnections: [{ connectAtMs: 11000, publishAtMs: 11200 }],
      extra: (b) => {
        o.extra?.(b);
        b.add(60, 'net.connected', { conn: 1, local: '10.0.0.2:50000' });
        b.add(70, 'wire.handshake', { conn: 1, event: 's2-received' });
        b.add(7999.999, 'server.kick', { ip: '10.0.0.2:50000', reason: 'scheduled kick' });
        b.add(8000, 'pusher.event', { code: 3004, message: 'server closed' });
        b.add(8000, 'pusher.event', { code: 1102, message: 'reconnect' });
      },
    }),
  });
  expectStatus(t, fallbackWithoutImage, kicked, 'pass');
  expectStatus(t, keepAliveHolds, kicked, 'pass');
  // Still sharp: the same gap without a pause or a fault fails.
  const silent = scenario({
    url: '',
    fgAtMs: 12000,
    background: 'nothing',
    tweak: (o) => ({ ...o, audio: (tMs) => tMs < 7000 || tMs > 12000 }),
  });
  expectStatus(t, fallbackWithoutImage, silent, 'fail');
  expectStatus(t, keepAliveHolds, silent, 'fail');
});
