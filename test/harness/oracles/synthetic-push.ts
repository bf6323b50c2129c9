/**
 * Small synthetic traces of one push for the bitrate, background and waiting-image oracle tests: a start()
 * at 0, one RTMP connection publishing from `publishAtMs`, an encoder target program, server-side video and
 * audio tags (arrival 1 ms after capture), optional decoded colours, net status, capacity steps, app states,
 * device sessions and HTTP fetches. Only the record fields the oracles read are written (docs/trace.md).
 */
import { PICTURE_COLOURS, type PictureColour } from '../../../harness/devices/picture-colours.js';
import type { TraceRecord, TraceValue } from '../../../harness/sim/trace.js';

type Data = { [key: string]: TraceValue };

/** Records in any order; `build()` sorts them by time (stable) and numbers them. */
export class TraceBuilder {
  readonly #records: { t: number; order: number; kind: string; data: Data }[] = [];

  add(atMs: number, kind: string, data: Data = {}): this {
    this.#records.push({ t: Math.round(atMs * 1000), order: this.#records.length, kind, data });
    return this;
  }

  build(): TraceRecord[] {
    return [...this.#records]
      .sort((a, b) => a.t - b.t || a.order - b.order)
      .map((r, seq) => ({ t: r.t, seq, kind: r.kind, data: r.data }));
  }
}

export const FRONT = PICTURE_COLOURS.front;
export const BACK = PICTURE_COLOURS.back;
export const GREEN: PictureColour = { y: 128, cb: 95, cr: 80 };

export interface SyntheticPush {
  durationMs?: number;
  attributes?: Data;
  profile?: { waitingImageKeepAliveMs?: number; waitingImageFps?: number };
  /** Uplink capacity steps (kbps null = unlimited); default unlimited. */
  uplink?: { atMs: number; kbps: number | null }[];
  /** Uplink back-pressure from each time, for 200 ms. */
  stallsAtMs?: number[];
  /** 1002 (and server.postPublish); default 100 ms. Undefined in `publish: false` traces. */
  publishAtMs?: number;
  publish?: boolean;
  /** wire.close of the connection; default the case end. */
  closeAtMs?: number;
  /** Later connections (a new connect, 1001, 1002, media), e.g. after the keep-alive ended. */
  reconnections?: { connectAtMs: number; publishAtMs: number; closeAtMs?: number }[];
  /** Encoder target program: the first opens the encoder. */
  targets?: { atMs: number; kbps: number }[];
  /** Emit a 1006 with each target change (default true). */
  events1006?: boolean;
  /** Encoder sizes: each after the first reopens the encoder, sends a sequence header and (unless `event: false`) a 1005. */
  sizes?: { atMs: number; width: number; height: number; event?: boolean }[];
  /** Received video rate as a fraction of the target (default 1). */
  videoFactor?: number;
  /** Picture at a capture time (undefined: no frame then); default the front camera's colour. */
  picture?: (tMs: number) => { colour: PictureColour; keyframe?: boolean } | undefined;
  videoFps?: number;
  /** Record `validation.frames` (decoded colours). Default true. */
  decode?: boolean;
  /** Audio frame at a capture time (default every 64 ms while publishing). */
  audio?: (tMs: number) => boolean;
  /** Audio frame size, bytes (default 200: 25 kbit/s at 16 kHz). */
  audioBytes?: number;
  /** Net status once a second from publish + 1 s; `mutate` may change or drop (undefined) a record. */
  netStatus?: boolean | ((tMs: number, status: Data) => Data | undefined);
  app?: { atMs: number; state: 'foreground' | 'background' }[];
  cameras?: { calledAtMs?: number; openAtMs: number; stopAtMs?: number; fps?: number; position?: string }[];
  mics?: { calledAtMs?: number; openAtMs: number; stopAtMs?: number }[];
  extra?: (b: TraceBuilder) => void;
}

/** The target in force at `t` from a target program. */
export function targetOf(targets: readonly { atMs: number; kbps: number }[], t: number): number {
  let v = targets[0]?.kbps ?? 0;
  for (const x of targets) if (x.atMs <= t) v = x.kbps;
  return v;
}

/** Build a synthetic push (see SyntheticPush for the defaults). */
export function syntheticPush(o: SyntheticPush = {}): TraceRecord[] {
  const b = new TraceBuilder();
  const end = o.durationMs ?? 20000;
  const publishing = o.publish !== false;
  const pub = o.publishAtMs ?? 100;
  const close = o.closeAtMs ?? end;
  const targets = o.targets ?? [{ atMs: 0, kbps: 1000 }];
  const sizes = o.sizes ?? [{ atMs: 0, width: 544, height: 960 }];
  b.add(0, 'case.start', {
    attributes: { url: 'rtmp://media.lpc.test/live/s', ...(o.attributes ?? {}) },
    profileValues: {
      reconnectAttempts: 3,
      reconnectIntervalMs: 3000,
      waitingImageKeepAliveMs: o.profile?.waitingImageKeepAliveMs ?? 180000,
      waitingImageFps: o.profile?.waitingImageFps ?? 5,
    },
  });
  b.add(0, 'net.link', {
    link: 'uplink',
    segments: (o.uplink ?? [{ atMs: 0, kbps: null }]).map((s) => ({ atUs: s.atMs * 1000, kbps: s.kbps })),
  });
  b.add(0, 'app.state', { state: 'foreground', initial: true });
  for (const a of o.app ?? []) b.add(a.atMs, 'app.state', { state: a.state });
  b.add(0, 'pusher.op', { op: 'start', id: 1, phase: 'call' });
  b.add(0, 'pusher.op', { op: 'start', id: 1, phase: 'result', ok: true, errMsg: 'start:ok' });
  for (const [i, c] of (o.cameras ?? []).entries()) {
    const position = c.position ?? 'front';
    const fps = c.fps ?? 20;
    b.add(c.openAtMs, 'device.call', {
      device: 'camera',
      method: 'openCamera',
      position,
      session: i + 1,
      calledAtMs: c.calledAtMs ?? c.openAtMs,
      result: 'ok',
      args: { position, width: 720, height: 1280, fps },
    });
    b.add(c.openAtMs, 'pusher.event', { code: 1003, message: 'camera enabled' });
    b.add(c.openAtMs + 1000 / fps, 'device.camera.firstFrame', { position, session: i + 1, fps });
    if (c.stopAtMs !== undefined)
      b.add(c.stopAtMs, 'device.camera.stopped', { position, session: i + 1, reason: 'closed' });
  }
  for (const [i, m] of (o.mics ?? []).entries()) {
    b.add(m.openAtMs, 'device.call', {
      device: 'microphone',
      method: 'openMicrophone',
      session: i + 1,
      calledAtMs: m.calledAtMs ?? m.openAtMs,
      result: 'ok',
      args: { sampleRate: 16000, channels: 1 },
    });
    if (m.stopAtMs !== undefined)
      b.add(m.stopAtMs, 'device.microphone.stopped', { session: i + 1, reason: 'closed' });
  }
  // Encoder target and size program.
  type Step = { t: number; kind: 'open' | 'set' | 'resize'; kbps: number; size?: (typeof sizes)[number] };
  const program: Step[] = [
    ...targets.map((x, i): Step => ({ t: x.atMs, kind: i === 0 ? 'open' : 'set', kbps: x.kbps })),
    ...sizes.slice(1).map((s): Step => ({ t: s.atMs, kind: 'resize', kbps: 0, size: s })),
  ].sort((a, b) => a.t - b.t);
  let session = 0;
  let current = targets[0]?.kbps ?? 0;
  let size = sizes[0];
  for (const p of program) {
    if (p.kind === 'open' || p.kind === 'resize') {
      if (p.kind === 'resize') {
        b.add(p.t, 'device.call', {
          device: 'videoEncoder',
          method: 'close',
          kind: 'hardware',
          session,
          result: 'ok',
          args: {},
        });
        size = p.size ?? size;
      } else current = p.kbps;
      session++;
      b.add(p.t, 'device.call', {
        device: 'videoEncoder',
        method: 'openVideoEncoder',
        kind: 'hardware',
        session,
        result: 'ok',
        args: {
          kind: 'hardware',
          width: size.width,
          height: size.height,
          fps: 20,
          targetBitrateKbps: current,
        },
      });
      if (p.kind === 'resize' && size.event !== false)
        b.add(p.t, 'pusher.event', { code: 1005, message: 'resolution changed' });
    } else {
      const before = current;
      current = p.kbps;
      b.add(p.t, 'device.call', {
        device: 'videoEncoder',
        method: 'setTargetBitrate',
        kind: 'hardware',
        session,
        result: 'ok',
        args: { kbps: p.kbps },
      });
      if (o.events1006 !== false && before !== p.kbps)
        b.add(p.t, 'pusher.event', { code: 1006, message: 'bitrate changed' });
    }
  }
  for (const t of o.stallsAtMs ?? []) {
    b.add(t, 'net.stall', { link: 'uplink', conn: 1, queueBytes: 1000, queueMs: 100 });
    b.add(t + 200, 'net.drain', { link: 'uplink', conn: 1, stalledUs: 200000 });
  }
  if (!publishing) {
    b.add(end, 'case.end', {});
    o.extra?.(b);
    return b.build();
  }
  const spans = [
    { connectAtMs: pub - 50, publishAtMs: pub, closeAtMs: close },
    ...(o.reconnections ?? []).map((r) => ({ ...r, closeAtMs: r.closeAtMs ?? end })),
  ];
  for (const [i, c] of spans.entries()) {
    const conn = i + 1;
    b.add(c.connectAtMs, 'net.connect', { conn, host: '10.0.0.1', port: 1935, attempt: conn, fault: 'none' });
    b.add(c.connectAtMs, 'wire.connection', { conn });
    b.add(c.connectAtMs + 10, 'pusher.event', { code: 1001, message: 'connected' });
    b.add(c.publishAtMs, 'server.postPublish', {});
    b.add(c.publishAtMs, 'pusher.event', { code: 1002, message: 'push begins' });
    b.add(c.closeAtMs, 'wire.close', { conn, reason: 'closed' });
  }
  b.add(end, 'case.end', {});
  // Server-side tags: sequence headers at each size, video frames, audio frames; arrival = capture + 1 ms.
  let index = 0;
  const configs: { atTag: number; width: number; height: number }[] = [];
  const header = (t: number, s: { width: number; height: number }) => {
    b.add(t + 1, 'observer.tag', {
      index,
      type: 'video',
      ts: Math.round(t),
      size: 40,
      avcPacketType: 0,
      keyframe: true,
    });
    configs.push({ atTag: index++, width: s.width, height: s.height });
  };
  const fps = o.videoFps ?? 20;
  const factor = o.videoFactor ?? 1;
  const colours: { ts: number; colour: PictureColour }[] = [];
  let sizeIdx = 0;
  const interval = 1000 / fps;
  for (const span of spans) {
    let headerSent = -1;
    for (let t = span.publishAtMs + interval; t < span.closeAtMs; t += interval) {
      while (sizeIdx + 1 < sizes.length && sizes[sizeIdx + 1].atMs <= t) sizeIdx++;
      const pic = o.picture ? o.picture(t) : { colour: FRONT };
      if (!pic) continue;
      const first = headerSent !== sizeIdx;
      if (first) {
        header(t, sizes[sizeIdx]);
        headerSent = sizeIdx;
      }
      const bytes = Math.max(1, Math.round((targetOf(targets, t) * factor * interval) / 8));
      b.add(t + 1, 'observer.tag', {
        index: index++,
        type: 'video',
        ts: Math.round(t),
        size: bytes,
        avcPacketType: 1,
        keyframe: first || pic.keyframe === true,
      });
      colours.push({ ts: Math.round(t), colour: pic.colour });
    }
  }
  const audioBytes = o.audioBytes ?? 200;
  for (const span of spans)
    for (let t = span.publishAtMs + 64; t < span.closeAtMs; t += 64) {
      if (o.audio && !o.audio(t)) continue;
      b.add(t + 1, 'observer.tag', {
        index: index++,
        type: 'audio',
        ts: Math.round(t),
        size: audioBytes,
        aacPacketType: 1,
      });
    }
  if (o.netStatus) {
    for (let t = pub + 1000; t < close; t += 1000) {
      const s = sizes.filter((x) => x.atMs <= t).pop() ?? sizes[0];
      const status: Data = {
        videoBitrate: Math.round(targetOf(targets, t - 500) * factor),
        audioBitrate: 25,
        videoFps: fps,
        videoGop: 2,
        netSpeed: 1000,
        netJitter: 0,
        videoCache: 0,
        audioCache: 0,
        videoWidth: s.width,
        videoHeight: s.height,
        targetBitrate: targetOf(targets, t),
      };
      const out = typeof o.netStatus === 'function' ? o.netStatus(t, status) : status;
      if (out) b.add(t, 'pusher.netstatus', out);
    }
  }
  for (const c of configs)
    b.add(end + 1000, 'observer.videoConfig', { atTag: c.atTag, width: c.width, height: c.height });
  b.add(end + 1000, 'observer.audioConfig', { atTag: 0, sampleRate: 16000, channels: 1 });
  if (o.decode !== false) {
    const runs: Data[] = [];
    for (const c of colours) {
      const last = runs[runs.length - 1] as
        | { toMs: number; frames: number; y: number; cb: number; cr: number }
        | undefined;
      if (last && last.y === c.colour.y && last.cb === c.colour.cb && last.cr === c.colour.cr) {
        last.toMs = c.ts;
        last.frames++;
      } else runs.push({ fromMs: c.ts, toMs: c.ts, frames: 1, ...c.colour });
    }
    b.add(end + 1000, 'validation.frames', { decoded: colours.length, samples: colours.length, runs });
  }
  o.extra?.(b);
  return b.build();
}
