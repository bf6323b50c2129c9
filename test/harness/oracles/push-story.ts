/**
 * Synthetic traces for the events, reconnect, operations, attributes and devices oracle tests: a small
 * builder of the records those oracles read (docs/trace.md), and `cleanPush`, one push that opens its
 * devices, connects, publishes and streams. Records are kept in insertion order within a millisecond.
 */

import type { Check, Outcome } from '../../../harness/oracles/types.js';
import type { TraceRecord, TraceValue } from '../../../harness/sim/trace.js';

type Data = { [key: string]: TraceValue };

/** `position` / `kind` fields, without undefined ones. */
function whoOf(who: { position?: string; kind?: string }): Data {
  const w: Data = {};
  if (who.position) w.position = who.position;
  if (who.kind) w.kind = who.kind;
  return w;
}

export const HOST = 'media.lpc.test';
export const ADDRESS = '10.0.0.1';
export const URL = `rtmp://${HOST}/live/s1`;

export class Story {
  readonly #records: { t: number; order: number; kind: string; data: Data }[] = [];
  #opId = 1;
  #conn = 0;
  #sessions = new Map<string, number>();
  #tagIndex = 0;

  add(atMs: number, kind: string, data: Data = {}): this {
    this.#records.push({ t: Math.round(atMs * 1000), order: this.#records.length, kind, data });
    return this;
  }

  build(): TraceRecord[] {
    return [...this.#records]
      .sort((a, b) => a.t - b.t || a.order - b.order)
      .map((r, seq) => ({ t: r.t, seq, kind: r.kind, data: r.data }));
  }

  /** case.start and the app's initial state (the pusher's creation). */
  begin(attributes: Data = { url: URL }, extra: Data = {}): this {
    this.add(0, 'case.start', {
      id: 'synthetic',
      durationMs: 20_000,
      attributes,
      profileValues: {
        reconnectAttempts: 3,
        reconnectIntervalMs: 3000,
        waitingImageKeepAliveMs: 180_000,
        waitingImageFps: 5,
      },
      ...extra,
    });
    return this.add(0, 'app.state', { state: 'foreground', initial: true });
  }

  end(atMs: number): this {
    return this.add(atMs, 'case.end', { pendingOperations: [] });
  }

  /** An operation call and its result (`resultAtMs` null: never answered). */
  op(
    atMs: number,
    op: string,
    ok = true,
    errMsg?: string,
    extra: Data = {},
    resultAtMs: number | null = atMs,
  ): number {
    const id = this.#opId++;
    this.add(atMs, 'pusher.op', { op, id, phase: 'call' });
    if (resultAtMs !== null)
      this.add(resultAtMs, 'pusher.op', {
        op,
        id,
        phase: 'result',
        ok,
        errMsg: errMsg ?? `${op}:${ok ? 'ok' : 'fail reason'}`,
        extra,
      });
    return id;
  }

  attributes(atMs: number, attributes: Data): this {
    return this.add(atMs, 'pusher.attributes', { id: this.#opId++, attributes });
  }

  event(atMs: number, code: number, message = `event ${code}`): this {
    return this.add(atMs, 'pusher.event', { code, message });
  }

  app(atMs: number, state: 'foreground' | 'background'): this {
    return this.add(atMs, 'app.state', { state });
  }

  log(atMs: number, level: string, message: string): this {
    return this.add(atMs, 'pusher.log', { level, message });
  }

  // ---- devices --------------------------------------------------------------------------------------
  /** A successful open; returns the session. */
  open(
    atMs: number,
    device: string,
    args: Data = {},
    who: { position?: string; kind?: string } = {},
    calledAtMs = atMs,
  ): number {
    const key = `${device}:${who.position ?? who.kind ?? ''}`;
    const session = (this.#sessions.get(key) ?? 0) + 1;
    this.#sessions.set(key, session);
    const method =
      {
        camera: 'openCamera',
        microphone: 'openMicrophone',
        videoEncoder: 'openVideoEncoder',
        audioEncoder: 'openAudioEncoder',
      }[device] ?? 'open';
    this.add(atMs, 'device.call', { device, method, ...whoOf(who), session, args, result: 'ok', calledAtMs });
    return session;
  }

  failOpen(
    atMs: number,
    device: string,
    error: string,
    who: { position?: string; kind?: string } = {},
    calledAtMs = atMs,
  ): this {
    const method =
      {
        camera: 'openCamera',
        microphone: 'openMicrophone',
        videoEncoder: 'openVideoEncoder',
        audioEncoder: 'openAudioEncoder',
      }[device] ?? 'open';
    const w = whoOf(who);
    return this.add(atMs, 'device.call', {
      device,
      method,
      ...w,
      args: w,
      result: 'error',
      error,
      calledAtMs,
    });
  }

  close(atMs: number, device: string, session: number, who: { position?: string; kind?: string } = {}): this {
    return this.add(atMs, 'device.call', {
      device,
      method: 'close',
      ...whoOf(who),
      session,
      args: {},
      result: 'ok',
    });
  }

  call(
    atMs: number,
    device: string,
    method: string,
    session: number,
    args: Data,
    who: { position?: string; kind?: string } = {},
  ): this {
    return this.add(atMs, 'device.call', { device, method, ...whoOf(who), session, args, result: 'ok' });
  }

  failEncode(atMs: number, device: string, session: number, kind?: string): this {
    return this.add(atMs, 'device.call', {
      device,
      method: 'encode',
      ...whoOf({ kind }),
      session,
      args: {},
      result: 'error',
      error: 'FAILED',
    });
  }

  fault(
    atMs: number,
    device: string,
    fault: string,
    session: number | null,
    who: { position?: string; kind?: string } = {},
  ): this {
    return this.add(atMs, 'device.fault', { device, fault, ...whoOf(who), session });
  }

  /** Encoders, camera (with 1003) and microphone, as the reference opens them at start. */
  devices(
    atMs: number,
    o: {
      camera?: boolean;
      mic?: boolean;
      position?: string;
      width?: number;
      height?: number;
      kbps?: number;
      camArgs?: Data;
    } = {},
  ): { camera?: number; mic?: number; video: number; audio: number } {
    const video = this.open(
      atMs,
      'videoEncoder',
      {
        kind: 'hardware',
        width: o.width ?? 544,
        height: o.height ?? 960,
        fps: 15,
        targetBitrateKbps: o.kbps ?? 1000,
      },
      { kind: 'hardware' },
    );
    const audio = this.open(atMs, 'audioEncoder', { sampleRate: 16000, channels: 1, targetBitrateKbps: 24 });
    let camera: number | undefined;
    let mic: number | undefined;
    if (o.camera !== false) {
      const position = o.position ?? 'front';
      camera = this.open(
        atMs + 50,
        'camera',
        {
          position,
          width: 720,
          height: 1280,
          fps: 15,
          autoFocus: true,
          beauty: 0,
          whiteness: 0,
          ...o.camArgs,
        },
        { position },
        atMs,
      );
      this.event(atMs + 50, 1003);
    }
    if (o.mic !== false)
      mic = this.open(atMs + 70, 'microphone', { sampleRate: 16000, channels: 1 }, {}, atMs + 50);
    return { camera, mic, video, audio };
  }

  // ---- network ----------------------------------------------------------------------------------
  dns(atMs: number, answer: string | { error: string }, host = HOST): this {
    this.add(atMs, 'net.dns.query', { host, attempt: 1, via: 'dns' });
    return this.add(
      atMs,
      'net.dns.answer',
      typeof answer === 'string'
        ? { host, attempt: 1, address: answer, via: 'dns' }
        : { host, attempt: 1, error: answer.error, via: 'dns' },
    );
  }

  /** A TCP connect; returns the connection number (also the wire tap's). */
  connect(atMs: number, fault = 'none', host = ADDRESS, port = 1935): number {
    const conn = ++this.#conn;
    this.add(atMs, 'net.connect', { conn, host, port, attempt: conn, fault });
    this.add(atMs, 'wire.connection', { conn });
    return conn;
  }

  connected(atMs: number, conn: number): this {
    return this.add(atMs, 'net.connected', { conn, local: `10.0.0.2:${50000 + conn}` });
  }

  handshake(atMs: number, conn: number): this {
    this.add(atMs, 'wire.handshake', { conn, event: 'c0c1', version: 3, zeroField: true });
    return this.add(atMs, 'wire.handshake', { conn, event: 's2-received', sentUp: 1537 });
  }

  accepted(atMs: number, conn: number): this {
    return this.add(atMs, 'server.postPublish', {
      ip: `10.0.0.2:${50000 + conn}`,
      protocol: 'rtmp',
      streamPath: '/live/s1',
    });
  }

  command(atMs: number, conn: number, name: string, args: TraceValue[] = []): this {
    return this.add(atMs, 'wire.command', { conn, name, txn: 0, args });
  }

  /** The pusher closes the connection (FIN from its side, socket closed). */
  pusherClose(atMs: number, conn: number): this {
    this.add(atMs, 'net.fin', { link: 'uplink', conn });
    return this.add(atMs, 'wire.close', { conn, reason: 'closed' });
  }

  /** The server closes it (FIN towards the pusher). */
  serverClose(atMs: number, conn: number): this {
    this.add(atMs, 'net.close', { conn, cause: 'server close' });
    return this.add(atMs, 'net.fin', { link: 'downlink', conn });
  }

  reset(atMs: number, conn: number): this {
    this.add(atMs, 'net.reset', { conn, cause: 'scripted reset' });
    return this.add(atMs, 'wire.close', { conn, reason: 'closed' });
  }

  refused(atMs: number, conn: number, code = 'ECONNREFUSED'): this {
    this.add(atMs, 'net.connect_error', { conn, code });
    return this.add(atMs, 'wire.close', { conn, reason: 'closed' });
  }

  /** A successful attempt: DNS, connect, 1001, handshake, accepted publish, 1002. Returns the connection. */
  attempt(atMs: number, o: { dns?: boolean; events?: boolean; meta?: Data } = {}): number {
    if (o.dns !== false) this.dns(atMs, ADDRESS);
    const conn = this.connect(atMs);
    this.connected(atMs + 10, conn);
    if (o.events !== false) this.event(atMs + 10, 1001);
    this.handshake(atMs + 20, conn);
    this.command(atMs + 30, conn, 'publish', [null, 's1', 'live']);
    this.accepted(atMs + 40, conn);
    this.add(atMs + 40, 'wire.data', {
      conn,
      name: '@setDataFrame',
      args: ['onMetaData', o.meta ?? { width: 544, height: 960, audiosamplerate: 16000 }],
    });
    if (o.events !== false) this.event(atMs + 40, 1002);
    return conn;
  }

  // ---- server media -----------------------------------------------------------------------------
  tag(
    atMs: number,
    type: 'video' | 'audio',
    o: { ts?: number; size?: number; keyframe?: boolean; header?: boolean } = {},
  ): this {
    const data: Data = {
      index: this.#tagIndex++,
      type,
      ts: o.ts ?? Math.round(atMs),
      size: o.size ?? (type === 'video' ? 4000 : 200),
    };
    if (type === 'video') {
      data.keyframe = o.keyframe ?? false;
      data.avcPacketType = o.header ? 0 : 1;
    } else data.aacPacketType = o.header ? 0 : 1;
    return this.add(atMs, 'observer.tag', data);
  }

  /** A sequence header at the server and the configuration the observer read from it. */
  header(atMs: number, type: 'video' | 'audio', config: Data): this {
    const atTag = this.#tagIndex;
    this.tag(atMs, type, { header: true, keyframe: true });
    return this.add(atMs, type === 'video' ? 'observer.videoConfig' : 'observer.audioConfig', {
      atTag,
      ...config,
    });
  }

  /** Sequence headers, then video every 66 ms (keyframe every 1 s) and audio every 64 ms in [from, to). */
  media(
    from: number,
    to: number,
    o: {
      width?: number;
      height?: number;
      sampleRate?: number;
      channels?: number;
      videoSize?: number;
      headers?: boolean;
    } = {},
  ): this {
    if (o.headers !== false) {
      const vi = this.#tagIndex;
      this.tag(from, 'video', { header: true, keyframe: true });
      this.add(from, 'observer.videoConfig', { atTag: vi, width: o.width ?? 544, height: o.height ?? 960 });
      const ai = this.#tagIndex;
      this.tag(from, 'audio', { header: true });
      this.add(from, 'observer.audioConfig', {
        atTag: ai,
        sampleRate: o.sampleRate ?? 16000,
        channels: o.channels ?? 1,
      });
    }
    let k = 0;
    for (let t = from; t < to; t += 66.67, k++)
      this.tag(t, 'video', { keyframe: k % 15 === 0, size: o.videoSize });
    for (let t = from; t < to; t += 64) this.tag(t, 'audio');
    return this;
  }
}

/** A push from `at`: devices, one clean attempt, media until `until`. */
export function cleanPush(
  s: Story,
  at = 0,
  until = 5000,
  o: { camera?: boolean; mic?: boolean; position?: string } = {},
) {
  const d = s.devices(at, o);
  const conn = s.attempt(at + 70);
  s.media(at + 110, until);
  return { ...d, conn };
}

/** The devices of `d` closed at `atMs`. */
export function closeAll(
  s: Story,
  atMs: number,
  d: { camera?: number; mic?: number; video: number; audio: number },
  position = 'front',
): void {
  if (d.camera !== undefined) s.close(atMs, 'camera', d.camera, { position });
  if (d.mic !== undefined) s.close(atMs, 'microphone', d.mic);
  s.close(atMs, 'videoEncoder', d.video, { kind: 'hardware' });
  s.close(atMs, 'audioEncoder', d.audio);
}

/** A clean push started by start() at 0 and stopped by stop() at `stopMs`. */
export function startedPush(s: Story, stopMs = 5000) {
  s.begin();
  s.op(0, 'start');
  const d = cleanPush(s, 0, stopMs);
  s.op(stopMs, 'stop');
  s.command(stopMs, d.conn, 'FCUnpublish');
  s.command(stopMs, d.conn, 'deleteStream');
  closeAll(s, stopMs, d);
  s.pusherClose(stopMs, d.conn);
  return d;
}

export function statusOf(check: Check, trace: TraceRecord[]): Outcome['status'] {
  return check.evaluate(trace).status;
}
