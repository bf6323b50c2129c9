import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import type {
  PusherAttributes,
  PusherEnvironment,
  PusherFactory,
  PusherProfile,
  TransportSocket,
} from '../adapter/types.js';
import { createAppLifecycle, createFakeDevices } from '../devices/index.js';
import { waitingImageColour } from '../devices/picture-colours.js';
import { type NetworkScript, SimNetwork } from '../network/index.js';
import type { FlvTimeline } from '../observer/flv-demux.js';
import { RtmpWireTap } from '../observer/rtmp-wire-tap.js';
import { StreamObserver } from '../observer/stream-observer.js';
import { EmbeddedMediaServer, tencentTxSecret } from '../server/embedded-media-server.js';
import {
  createSocketPair,
  digestTrace,
  Simulation,
  type TraceRecord,
  type TraceValue,
} from '../sim/index.js';
import { validateCapture } from '../validation/validate-capture.js';
import type { CaseDefinition } from './case-schema.js';
import { MemoryFileStore } from './memory-file-store.js';
import { RecordedPusher } from './recorded-pusher.js';
import { createSimPusherClock } from './sim-pusher-clock.js';

/** Where the pushed stream goes: the embedded server's address, app and DNS name in every case. */
export const SERVER_HOST = 'media.lpc.test';
export const SERVER_ADDRESS = '10.0.0.1';
export const SERVER_PORT = 1935;
export const SERVER_APP = 'live';
/** Tail after the case's duration during which teardown traffic still flows. */
const TEARDOWN_US = 1_000_000;

export interface RunCaseOptions {
  pusher: PusherFactory;
  seed: number;
  profile: PusherProfile & { name: string };
  /** Run ffprobe (and frame decoding where the case asks) after the simulation. Default true. */
  validate?: boolean;
}

/** Everything a case run produced: the trace is the evidence every oracle judges. */
export interface CaseRun {
  caseId: string;
  seed: number;
  profile: string;
  pusher: string;
  stream: string;
  records: readonly TraceRecord[];
  digest: string;
  /** The FLV the server relayed (the observer's capture). */
  flv: Uint8Array;
  timeline: FlvTimeline;
  files: ReadonlyMap<string, Uint8Array>;
  /** Problems of the harness itself (not of the pusher): reported apart, never as pusher failures. */
  harnessErrors: string[];
}

/** A stream name unique per case and seed (NMS shifts timestamps for a republished name). */
export function streamNameFor(caseId: string, seed: number): string {
  return `lpc-${caseId.replace(/[^a-z0-9]+/gi, '-')}-${seed}`.slice(0, 120);
}

function substitute(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/**
 * The waiting image a case serves: a flat PNG. Encoding one is slow (pngjs tries every filter per line) and
 * campaigns serve the same few images in thousands of cases, so the bytes are kept per colour and size.
 */
const pngCache = new Map<string, Uint8Array<ArrayBuffer>>();
function makePng(rgb: [number, number, number], width: number, height: number): Uint8Array<ArrayBuffer> {
  const key = `${rgb.join(',')}:${width}x${height}`;
  let png = pngCache.get(key);
  if (png === undefined) {
    png = encodePng(rgb, width, height);
    if (pngCache.size >= 64) pngCache.clear();
    pngCache.set(key, png);
  }
  // A copy: the served bytes belong to the case (a fault script may truncate or corrupt them).
  return png.slice();
}

function encodePng(rgb: [number, number, number], width: number, height: number): Uint8Array<ArrayBuffer> {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height * 4; i += 4) {
    png.data[i] = rgb[0];
    png.data[i + 1] = rgb[1];
    png.data[i + 2] = rgb[2];
    png.data[i + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

/**
 * Run one case against one pusher in simulation: virtual clock, shaped network, fake devices, the
 * embedded node-media-server, the HTTP-FLV observer and the wire tap; then (outside virtual time)
 * ffprobe validation. Never throws for anything the pusher does: crashes and hangs are in the trace.
 */
export async function runCase(def: CaseDefinition, options: RunCaseOptions): Promise<CaseRun> {
  const { seed, profile } = options;
  const stream = streamNameFor(def.id, seed);
  const harnessErrors: string[] = [];
  const sim = new Simulation({ seed });
  const trace = sim.trace;
  const server = EmbeddedMediaServer.get();

  // ---- case variables and served files -------------------------------------------------------------
  const vars: Record<string, string> = { stream, host: SERVER_HOST, app: SERVER_APP };
  const httpRules: NonNullable<NetworkScript['http']> = [...(def.network.http ?? [])];
  let waitingImage: TraceValue | undefined;
  if (def.waitingImage) {
    const { rgb, width, height, url } = def.waitingImage;
    const png = makePng(rgb, width, height);
    vars.waitingImageUrl = url;
    vars.waitingImageMd5 = createHash('md5').update(png).digest('hex');
    // What the oracles need to judge the image: its MD5 (hash checks), the colour a pusher pushes for it,
    // and the index of the HTTP rule that serves it (a response from another rule is not this PNG).
    waitingImage = {
      url,
      md5: vars.waitingImageMd5,
      rgb,
      width,
      height,
      colour: toTrace(waitingImageColour({ r: rgb[0], g: rgb[1], b: rgb[2] })),
      rule: httpRules.length,
    };
    httpRules.push({
      url: def.waitingImage.url,
      responses: { status: 200, body: { bytes: new Uint8Array(png) } },
    });
  }
  if (def.server.auth) {
    vars.txTime = (0x67000000).toString(16).toUpperCase();
    vars.txSecret = tencentTxSecret(def.server.auth.key, stream, vars.txTime);
  }
  const attributes: Partial<PusherAttributes> = {};
  for (const [k, v] of Object.entries(def.attributes))
    (attributes as Record<string, unknown>)[k] = substitute(v, vars);
  const dns = { [SERVER_HOST]: SERVER_ADDRESS, ...(def.network.dns ?? {}) };
  const networkScript: NetworkScript = { ...def.network, dns, http: httpRules };

  trace.record('case.start', {
    id: def.id,
    seed,
    profile: profile.name,
    pusher: options.pusher.name,
    stream,
    durationMs: def.durationMs,
    requirements: def.requirements,
    attributes: toTrace(attributes),
    profileValues: toTrace(profile),
    server: toTrace(def.server),
    waitingImage,
  });

  sim.installGlobals();
  const unbind = server.bind({
    trace,
    scheduler: sim.scheduler,
    policy: { auth: def.server.auth, kickAtUs: (def.server.kickAtMs ?? []).map((ms) => ms * 1000) },
  });
  const onUnhandled = (reason: unknown) => {
    trace.record('pusher.crash', {
      where: 'unhandledRejection',
      message: String((reason as Error)?.message ?? reason),
    });
  };
  process.on('unhandledRejection', onUnhandled);

  let recorded: RecordedPusher | undefined;
  let observer: StreamObserver | undefined;
  let timeline: FlvTimeline | undefined;
  let files = new MemoryFileStore(trace);
  try {
    const net = new SimNetwork(sim, { script: networkScript });
    net.listen(SERVER_ADDRESS, SERVER_PORT, (socket) => server.acceptRtmp(socket));
    observer = await StreamObserver.attach({
      scheduler: sim.scheduler,
      trace,
      server,
      app: SERVER_APP,
      stream,
    });
    if (def.server.squatter) await occupyStream(sim, server, stream, trace);

    const devices = createFakeDevices({
      scheduler: sim.scheduler,
      rng: sim.rng.fork('devices'),
      trace,
      script: def.devices,
    });
    const app = createAppLifecycle({ scheduler: sim.scheduler, trace, script: def.devices });
    files = new MemoryFileStore(trace);
    const pusherRng = sim.rng.fork('pusher');
    let nextConn = 1;
    const env: PusherEnvironment = {
      clock: createSimPusherClock(sim.scheduler),
      random: { bytes: (n) => pusherRng.bytes(n), next: () => pusherRng.next() },
      transport: {
        connect: (o) => {
          const socket = net.transport.connect(o) as unknown as TransportSocket;
          tapConnection(socket, new RtmpWireTap(trace, nextConn++));
          return socket;
        },
      },
      resolver: net.resolver,
      http: net.http,
      files,
      devices,
      app,
      profile,
      viewSize: { width: 360, height: 640 },
      log: (level, message) => trace.record('pusher.log', { level, message: String(message).slice(0, 500) }),
    };

    try {
      recorded = new RecordedPusher(options.pusher.create(attributes, env), trace);
    } catch (e) {
      trace.record('pusher.crash', { where: 'create', message: String((e as Error)?.message ?? e) });
    }
    const origin = sim.now;
    for (const action of def.actions) {
      sim.scheduler.at(
        origin + action.atMs * 1000,
        () => {
          if (action.op === 'setAttributes') {
            const patch: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(action.attributes)) patch[k] = substitute(v, vars);
            recorded?.perform({ op: 'setAttributes', attributes: patch as Partial<PusherAttributes> });
          } else {
            recorded?.perform({ op: action.op });
          }
        },
        `action:${action.op}`,
      );
    }
    await runGuarded(sim, origin + def.durationMs * 1000, trace);
    trace.record('case.end', { pendingOperations: recorded?.pendingOperations ?? [] });
    recorded?.dispose();
    await runGuarded(sim, sim.now + TEARDOWN_US, trace);
  } catch (e) {
    harnessErrors.push(`${(e as Error)?.stack ?? e}`);
    trace.record('harness.error', { message: String((e as Error)?.message ?? e) });
  } finally {
    try {
      timeline = observer?.close();
    } catch (e) {
      harnessErrors.push(`observer: ${(e as Error).message}`);
    }
    process.off('unhandledRejection', onUnhandled);
    unbind();
    sim.dispose();
  }

  // The capture is concatenated only when something reads it (validation, --artifacts): a campaign judges
  // from the trace alone, and joining a minute of chunks for every generated case was measurable.
  let flvBytes: Uint8Array | undefined;
  const captured = () => {
    flvBytes ??= observer?.bytes() ?? new Uint8Array(0);
    return flvBytes;
  };
  if (options.validate !== false) await validateCapture(def, captured(), timeline, trace, harnessErrors);
  return {
    caseId: def.id,
    seed,
    profile: profile.name,
    pusher: options.pusher.name,
    stream,
    records: trace.records,
    digest: digestTrace(trace.records),
    get flv() {
      return captured();
    },
    timeline: timeline ?? emptyTimeline(),
    files: files.files,
    harnessErrors,
  };
}

/** Run to `until`, recording (not propagating) exceptions thrown from pusher callbacks. */
async function runGuarded(sim: Simulation, until: number, trace: Simulation['trace']): Promise<void> {
  for (let crashes = 0; ; crashes++) {
    try {
      await sim.runUntil(until);
      return;
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err?.code === 'RUNAWAY') {
        trace.record('pusher.crash', { where: 'runaway', message: err.message });
        return;
      }
      trace.record('pusher.crash', {
        where: 'callback',
        message: `${err?.name}: ${err?.message}`,
        stack: String(err?.stack ?? '')
          .split('\n')
          .slice(0, 6)
          .join('\n'),
      });
      if (crashes >= 20) return;
    }
  }
}

function tapConnection(socket: TransportSocket, tap: RtmpWireTap): void {
  const write = socket.write.bind(socket);
  (socket as { write: TransportSocket['write'] }).write = (chunk, cb) => {
    if (chunk instanceof Uint8Array) tap.onPusherWrite(chunk);
    return write(chunk, cb);
  };
  socket.on('data', (chunk) => tap.onPusherReceive(chunk));
  socket.on('close', () => tap.close('closed'));
}

/** The busy-URL precondition: another client publishes the stream first (an RTMP client of our own). */
async function occupyStream(
  sim: Simulation,
  server: EmbeddedMediaServer,
  stream: string,
  trace: Simulation['trace'],
): Promise<void> {
  const { RtmpPublisher } = await import('../../src/rtmp/index.js');
  const pair = createSocketPair(sim.scheduler, {
    label: 'squatter',
    client: { address: '10.0.0.77', port: 40000 },
    server: { address: SERVER_ADDRESS, port: SERVER_PORT },
  });
  server.acceptRtmp(pair.server);
  const rng = sim.rng.fork('squatter');
  const squatter = new RtmpPublisher({
    socket: pair.client,
    url: `rtmp://${SERVER_HOST}/${SERVER_APP}/${stream}`,
    clock: createSimPusherClock(sim.scheduler, 'squatter'),
    randomBytes: (n) => rng.bytes(n),
  });
  void squatter.start().catch(() => {});
  await sim.runFor(500_000);
  trace.record('server.squatter', { publishing: server.hasPublisher(`/${SERVER_APP}/${stream}`) });
}

function emptyTimeline(): FlvTimeline {
  return {
    header: null,
    tags: [],
    videoSamples: [],
    audioSamples: [],
    videoConfigs: [],
    audioConfigs: [],
    metadata: [],
    errors: [],
    warnings: [],
    bytes: 0,
  };
}

function toTrace(v: unknown): TraceValue {
  return JSON.parse(
    JSON.stringify(v ?? null, (_k, x) => (x instanceof Uint8Array ? `<${x.byteLength} bytes>` : x)),
  ) as TraceValue;
}
