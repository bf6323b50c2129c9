/**
 * Run one case in LIVE mode (docs/live-mode.md): real time and real TCP. The pusher (a process speaking
 * docs/adapter-protocol.md, or an in-process PusherFactory given a real-time environment) dials the
 * case URL, whose host is mapped to a wire-tap relay on loopback; the relay forwards through the shaping
 * proxy (harness/network/live) to node-media-server running in a child process; an HTTP-FLV observer
 * records what the server relays. The trace uses the simulation's record kinds, with `t` = real µs since
 * the proxy started (just before `case.start`). Never throws for anything the pusher does.
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isProcessPusherFactory, type ProcessPusher } from '../adapter/process/index.js';
import type {
  AppLifecycle,
  Devices,
  PusherAttributes,
  PusherEnvironment,
  PusherFactory,
  PusherProfile,
  PusherUnderTest,
} from '../adapter/types.js';
import { createAppLifecycle } from '../devices/index.js';
import type { NetworkScript } from '../network/index.js';
import { LiveProxy } from '../network/live/index.js';
import type { FlvTimeline } from '../observer/flv-demux.js';
import type { CaseDefinition } from '../runner/case-schema.js';
import { MemoryFileStore } from '../runner/memory-file-store.js';
import { RecordedPusher } from '../runner/recorded-pusher.js';
import { type CaseRun, SERVER_APP, SERVER_HOST, SERVER_PORT, streamNameFor } from '../runner/run-case.js';
import { tencentTxSecret } from '../server/embedded-media-server.js';
import { digestTrace, TraceRecorder, type TraceValue } from '../sim/index.js';
import { validateCapture } from '../validation/validate-capture.js';
import { dateEstablishmentsByReports } from './internal/date-establishments.js';
import { deviceScriptInputOf } from './internal/device-script-input.js';
import { ServerAddressMap } from './internal/server-address-map.js';
import { LiveClock } from './live-clock.js';
import type { LiveMediaServer } from './live-media-server.js';
import { LiveStreamObserver } from './live-stream-observer.js';
import { createRealTimeEnvironment, realTransport } from './real-time-environment.js';
import { RealTimeScheduler } from './real-time-scheduler.js';
import { WireTapRelay } from './wire-tap-relay.js';

/** Tail after the case's duration during which teardown traffic still flows, ms (as in simulation). */
const TEARDOWN_MS = 1000;

export interface RunLiveCaseOptions {
  pusher: PusherFactory;
  /** A started (or startable) live server, shared by the cases of a run. */
  server: LiveMediaServer;
  /** Seeds the proxy's jitter draws and the fake devices; the stream name gets a random suffix anyway. */
  seed: number;
  profile: PusherProfile & { name: string };
  /** Run ffprobe on the capture afterwards. Default true. */
  validate?: boolean;
  /** Timer grid of the shaping proxy, ms. Default 5 (docs/live-mode.md, "Tolerances"). */
  proxyQuantumMs?: number;
  /**
   * Largest event-loop delay of the harness a live verdict tolerates, ms. Above it the harness could not
   * keep real time: the run carries a harness error and the judge turns FAILs into INDETERMINATE.
   * Default 250.
   */
  jitterBudgetMs?: number;
}

/** A live run: what a simulated run holds, plus how the case was mapped onto real sockets and time. */
export interface LiveCaseRun extends CaseRun {
  mode: 'live';
  live: {
    /** The case URL's host as the pusher was given it. */
    hostMapping: { host: string; port: number; to: string };
    relayPort: number;
    proxyPort: number;
    serverPort: number;
    /** The harness's own event-loop delay during the case, ms. */
    eventLoopDelayMaxMs: number;
    eventLoopDelayP99Ms: number;
    jitterBudgetMs: number;
    /** The delay exceeded the budget: timing verdicts of this run are not trustworthy. */
    jitterExceeded: boolean;
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

function substitute(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** `rtmp://media.lpc.test[:port]/…` → `rtmp://127.0.0.1:<relay>/…` (the scripted DNS answer of live mode). */
export function mapServerHost(url: unknown, to: string): unknown {
  if (typeof url !== 'string') return url;
  const re = new RegExp(`^(rtmps?://)${SERVER_HOST.replace(/\./g, '\\.')}(:\\d+)?(?=[/?#]|$)`, 'i');
  return url.replace(re, (_m, scheme: string) => `${scheme}${to}`);
}

function toTrace(v: unknown): TraceValue {
  return JSON.parse(
    JSON.stringify(v ?? null, (_k, x) => (x instanceof Uint8Array ? `<${x.byteLength} bytes>` : x)),
  ) as TraceValue;
}

/** A devices object for process pushers: their devices live in their own process. */
const REMOTE_DEVICES: Devices = {
  openCamera: () => Promise.reject(new Error('devices of a process pusher live in its process')),
  openMicrophone: () => Promise.reject(new Error('devices of a process pusher live in its process')),
  openVideoEncoder: () => {
    throw new Error('devices of a process pusher live in its process');
  },
  openAudioEncoder: () => {
    throw new Error('devices of a process pusher live in its process');
  },
};

export async function runLiveCase(def: CaseDefinition, options: RunLiveCaseOptions): Promise<LiveCaseRun> {
  const { seed, profile, server } = options;
  const factory = options.pusher;
  const isProcess = isProcessPusherFactory(factory);
  const jitterBudgetMs = options.jitterBudgetMs ?? 250;
  // A fresh name per run: the live server outlives cases, and NMS shifts a republished name's timestamps.
  const stream = `${streamNameFor(def.id, seed)}-${randomBytes(3).toString('hex')}`;
  const harnessErrors: string[] = [];
  const cleanups: (() => unknown)[] = [];
  // The harness's own lateness, measured while the case runs (not while servers and processes start).
  const delay = monitorEventLoopDelay({ resolution: 10 });

  let proxy: LiveProxy | undefined;
  let trace = new TraceRecorder(() => 0);
  let relay: WireTapRelay | undefined;
  let observer: LiveStreamObserver | undefined;
  let timeline: FlvTimeline | undefined;
  let files: MemoryFileStore | undefined;
  let hostMapping = { host: SERVER_HOST, port: SERVER_PORT, to: '' };
  const ports = { relay: 0, proxy: 0, server: 0 };
  try {
    await server.ensureRunning();
    if (isProcess) await factory.prepare(new LiveClock().pusherClock());

    // ---- the link: relay (pusher's side) → shaping proxy → server -----------------------------------
    const { dns: _dns, http: _http, httpDns: _httpDns, ...shaping } = def.network;
    proxy = await LiveProxy.start({
      target: { host: '127.0.0.1', port: server.rtmpPort },
      script: shaping as NetworkScript,
      seed,
      log: true,
      timerQuantumMs: options.proxyQuantumMs ?? 5,
    });
    const p = proxy;
    const clock = new LiveClock(() => p.driver.nowUs());
    // Records made together (a connection's net.connect, net.connected, wire.connection) share one instant,
    // as they do in simulation, where oracles join them by time.
    let frozenUs: number | undefined;
    const atOneInstant = <T>(fn: () => T): T => {
      const outer = frozenUs;
      frozenUs ??= clock.nowUs();
      try {
        return fn();
      } finally {
        frozenUs = outer;
      }
    };
    trace = new TraceRecorder(() => frozenUs ?? clock.nowUs());
    const forward = (r: { kind: string; data: { readonly [key: string]: TraceValue } }) =>
      // The relay records the pusher's connect; the proxy's own is kept under another name (fault details).
      trace.record(r.kind === 'net.connect' ? 'net.proxy.connect' : r.kind, { ...r.data });
    for (const r of p.trace?.records ?? []) forward(r);
    p.trace?.onRecord(forward);
    const addresses = new ServerAddressMap();
    const silentHalfOpen = (def.network.connections ?? []).some(
      (c) => c.fault === 'half-open' && c.afterMs === undefined,
    );
    trace.onRecord((r) => {
      if (r.kind === 'net.connected') addresses.pusherConnected(Number(r.data.conn), String(r.data.local));
      else if (r.kind === 'net.proxy.connect') {
        const fault = String(r.data.fault ?? 'none');
        addresses.proxyAccepted(Number(r.data.conn), fault, fault === 'half-open' && silentHalfOpen);
      }
    });
    relay = await WireTapRelay.start({
      target: { host: '127.0.0.1', port: p.port },
      trace,
      run: atOneInstant,
    });
    Object.assign(ports, { relay: relay.port, proxy: p.port, server: server.rtmpPort });
    cleanups.push(
      await server.bind(
        {
          record: (kind, data) => trace.record(kind, addresses.translate(data)),
          accepted: (ip) => addresses.serverAccepted(ip),
          onDeath: (message) => {
            harnessErrors.push(message);
            trace.record('harness.error', { message });
          },
        },
        { auth: def.server.auth },
      ),
    );

    // Bound before the observer connects: binding makes the server forget the previous case's sessions.
    observer = await LiveStreamObserver.attach({ httpPort: server.httpPort, app: SERVER_APP, stream, trace });

    // ---- case variables: the URL's host is mapped to the relay ------------------------------------------
    hostMapping = { host: SERVER_HOST, port: SERVER_PORT, to: `127.0.0.1:${relay.port}` };
    const vars: Record<string, string> = { stream, host: SERVER_HOST, app: SERVER_APP };
    if (def.server.auth) {
      vars.txTime = (0x67000000).toString(16).toUpperCase();
      vars.txSecret = tencentTxSecret(def.server.auth.key, stream, vars.txTime);
    }
    const given = (raw: Partial<PusherAttributes>) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw)) out[k] = substitute(v, vars);
      if ('url' in out) out.url = mapServerHost(out.url, hostMapping.to);
      return out as Partial<PusherAttributes>;
    };
    const attributes = given(def.attributes);
    delay.enable();
    trace.record('case.start', {
      id: def.id,
      seed,
      profile: profile.name,
      pusher: factory.name,
      stream,
      durationMs: def.durationMs,
      requirements: def.requirements,
      attributes: toTrace(attributes),
      profileValues: toTrace(profile),
      server: toTrace(def.server),
      mode: 'live',
    });
    trace.record('live.hostMapping', {
      host: hostMapping.host,
      port: hostMapping.port,
      to: hostMapping.to,
      proxyPort: p.port,
      serverPort: server.rtmpPort,
      serverPid: server.pid ?? null,
    });

    // ---- the pusher's environment ------------------------------------------------------------------------
    files = new MemoryFileStore(trace);
    const recordCrash = (where: string, e: unknown) =>
      trace.record('pusher.crash', {
        where,
        message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        stack:
          e instanceof Error
            ? String(e.stack ?? '')
                .split('\n')
                .slice(0, 6)
                .join('\n')
            : '',
      });
    const rts = new RealTimeScheduler({
      nowUs: () => clock.nowUs(),
      onError: (e) => recordCrash('callback', e),
    });
    cleanups.push(() => rts.close());
    const log: PusherEnvironment['log'] = (level, message) =>
      trace.record('pusher.log', { level, message: String(message).slice(0, 500) });
    let env: PusherEnvironment;
    if (isProcess) {
      const app: AppLifecycle = createAppLifecycle({ scheduler: rts.scheduler, trace, script: def.devices });
      env = {
        clock: clock.pusherClock(),
        random: {
          bytes: (n) => new Uint8Array(randomBytes(n)),
          next: () => randomBytes(4).readUInt32BE(0) / 2 ** 32,
        },
        transport: realTransport,
        resolver: { resolve: () => Promise.reject(new Error('a process pusher resolves names itself')) },
        http: { fetch: () => Promise.reject(new Error('a process pusher fetches itself')) },
        files,
        devices: REMOTE_DEVICES,
        app,
        profile,
        viewSize: { width: 360, height: 640 },
        log,
      };
    } else {
      const rte = createRealTimeEnvironment({
        clock,
        profile,
        devices: def.devices,
        trace,
        seed,
        hosts: {},
        log,
        files,
        scheduler: rts,
      });
      cleanups.push(() => rte.close());
      env = rte;
    }

    // In-process pushers run on real timers: what they throw there must not take the harness down.
    const onUnhandled = (reason: unknown) => recordCrash('unhandledRejection', reason);
    const onUncaught = (error: unknown) => recordCrash('uncaughtException', error);
    if (!isProcess) {
      process.on('unhandledRejection', onUnhandled);
      process.on('uncaughtException', onUncaught);
      cleanups.push(() => {
        process.off('unhandledRejection', onUnhandled);
        process.off('uncaughtException', onUncaught);
      });
    }

    // ---- create, act, wait -------------------------------------------------------------------------------
    let recorded: RecordedPusher | undefined;
    let processPusher: ProcessPusher | undefined;
    try {
      let pusher: PusherUnderTest;
      if (isProcess) {
        const script = deviceScriptInputOf(def.devices);
        processPusher = factory.create(attributes, env, { devices: script.ok ? script.input : undefined });
        processPusher.attachRecords((kind, data) => trace.record(kind, data));
        pusher = processPusher;
      } else {
        pusher = factory.create(attributes, env);
      }
      recorded = new RecordedPusher(pusher, trace);
      if (processPusher) await processPusher.whenCreated();
    } catch (e) {
      recordCrash('create', e);
    }
    const origin = clock.nowUs();
    const timers: NodeJS.Timeout[] = [];
    cleanups.push(() => {
      for (const t of timers) clearTimeout(t);
    });
    const at = (ms: number, fn: () => void) =>
      timers.push(setTimeout(fn, Math.max(0, (origin + ms * 1000 - clock.nowUs()) / 1000)));
    for (const action of def.actions) {
      at(action.atMs, () => {
        if (action.op === 'setAttributes')
          recorded?.perform({ op: 'setAttributes', attributes: given(action.attributes) });
        else recorded?.perform({ op: action.op });
      });
    }
    for (const kickMs of def.server.kickAtMs ?? []) at(kickMs, () => server.kick('scheduled kick'));

    const end = origin + def.durationMs * 1000;
    const gone = processPusher?.terminated();
    let ended = false;
    void gone?.then(() => {
      ended = true;
    });
    // A dead process ends the case early: nothing it could still do would be seen.
    while (clock.nowUs() < end && !ended) await sleep(Math.min(100, (end - clock.nowUs()) / 1000));
    trace.record('case.end', { pendingOperations: recorded?.pendingOperations ?? [], early: ended });
    recorded?.dispose();
    await sleep(TEARDOWN_MS);
    if (processPusher && isProcessPusherFactory(factory)) {
      const { disposeMs, killMs } = factory.options.timeouts;
      await Promise.race([processPusher.terminated(), sleep(disposeMs + killMs + 1000)]);
    }
  } catch (e) {
    harnessErrors.push(`${(e as Error)?.stack ?? e}`);
    trace.record('harness.error', { message: String((e as Error)?.message ?? e) });
  } finally {
    try {
      timeline = observer?.close();
    } catch (e) {
      harnessErrors.push(`observer: ${(e as Error).message}`);
    }
    for (const c of cleanups.reverse()) {
      try {
        c();
      } catch (e) {
        harnessErrors.push(`cleanup: ${(e as Error).message}`);
      }
    }
    await relay?.close().catch(() => {});
    await proxy?.close().catch(() => {});
  }
  delay.disable();
  const maxMs = Math.round(delay.max / 1e4) / 100;
  const p99Ms = Math.round(delay.percentile(99) / 1e4) / 100;
  const jitterExceeded = maxMs > jitterBudgetMs;
  trace.record('live.timing', {
    eventLoopDelayMaxMs: maxMs,
    eventLoopDelayP99Ms: p99Ms,
    jitterBudgetMs,
    jitterExceeded,
  });
  if (jitterExceeded)
    harnessErrors.push(
      `the harness could not keep real time: its event loop was delayed up to ${maxMs} ms (budget ${jitterBudgetMs} ms)`,
    );
  const flv = observer?.bytes() ?? new Uint8Array(0);
  if (options.validate !== false) await validateCapture(def, flv, timeline, trace, harnessErrors);
  const records = dateEstablishmentsByReports(trace.records);
  return {
    caseId: def.id,
    seed,
    profile: profile.name,
    pusher: factory.name,
    stream,
    records,
    digest: digestTrace(records),
    flv,
    timeline: timeline ?? emptyTimeline(),
    files: files?.files ?? new Map(),
    harnessErrors,
    mode: 'live',
    live: {
      hostMapping,
      relayPort: ports.relay,
      proxyPort: ports.proxy,
      serverPort: ports.server,
      eventLoopDelayMaxMs: maxMs,
      eventLoopDelayP99Ms: p99Ms,
      jitterBudgetMs,
      jitterExceeded,
    },
  };
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
