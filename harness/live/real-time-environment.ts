/**
 * A PusherEnvironment on real time and real sockets (docs/live-mode.md, "Environment"): the real clock,
 * `net.connect`, the system resolver behind a host mapping, global `fetch`, and the fake devices and app
 * lifecycle of docs/devices.md run by a real-time scheduler. Used by the live runner for in-process
 * pushers and by pusher processes that wrap an in-process pusher (clients/node/reference-pusher-process.ts).
 */
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import net from 'node:net';
import type {
  FileStore,
  PusherEnvironment,
  PusherProfile,
  ResolvedAddress,
  Resolver,
  Transport,
  TransportSocket,
} from '../adapter/types.js';
import {
  createAppLifecycle,
  createFakeDevices,
  type DeviceScript,
  type DeviceScriptInput,
  type DeviceTraceSink,
  type FakeAppLifecycle,
  type FakeDevices,
} from '../devices/index.js';
import { LiveHttpFetch } from '../network/live/index.js';
import { createRng } from '../sim/index.js';
import type { LiveClock } from './live-clock.js';
import { RealTimeScheduler } from './real-time-scheduler.js';

export interface RealTimeEnvironmentOptions {
  clock: LiveClock;
  profile: PusherProfile;
  /** Default 360 x 640 (what the simulation gives). */
  viewSize?: { width: number; height: number };
  /** The device script (defaults: every device works). Its `app` switches are scheduled too. */
  devices?: DeviceScriptInput | DeviceScript;
  /** Where device, app and DNS records go. */
  trace: DeviceTraceSink;
  /** Seed of the fake devices' open jitter. Default 1. */
  seed?: number;
  /** Scripted DNS answers: host → IPv4 address (the live host mapping). Others go to the system resolver. */
  hosts?: Record<string, string>;
  log: PusherEnvironment['log'];
  files: FileStore;
  /** Default: `net.connect`. */
  transport?: Transport;
  /** A scheduled device callback threw (a pusher's frame listener). Default: rethrow. */
  onCallbackError?: (error: unknown) => void;
  /** Run the devices on this scheduler (not closed by `close`). Default: a new one on `clock`. */
  scheduler?: RealTimeScheduler;
}

export interface RealTimeEnvironment extends PusherEnvironment {
  readonly devices: FakeDevices;
  readonly app: FakeAppLifecycle;
  /** Stop the device pump (camera frames, microphone blocks). */
  close(): void;
}

const DNS_CODES: Record<string, 'ENOTFOUND' | 'ESERVFAIL' | 'ETIMEOUT'> = {
  ENOTFOUND: 'ENOTFOUND',
  ENODATA: 'ENOTFOUND',
  ESERVFAIL: 'ESERVFAIL',
  EAI_AGAIN: 'ETIMEOUT',
  ETIMEOUT: 'ETIMEOUT',
};

/** The system resolver (`dns.lookup`), answering the mapped hosts itself; queries and answers are recorded. */
export function createMappedResolver(hosts: Record<string, string>, trace: DeviceTraceSink): Resolver {
  let query = 0;
  return {
    async resolve(host: string): Promise<ResolvedAddress> {
      const id = ++query;
      const mapped = hosts[host.toLowerCase()];
      trace.record('net.dns.query', { query: id, host, source: mapped ? 'host-mapping' : 'system' });
      if (mapped) {
        trace.record('net.dns.answer', { query: id, host, address: mapped });
        return { address: mapped, family: 4 };
      }
      try {
        const r = await dns.lookup(host, { family: 0 });
        trace.record('net.dns.answer', { query: id, host, address: r.address });
        return { address: r.address, family: r.family === 6 ? 6 : 4 };
      } catch (e) {
        const raw = String((e as { code?: unknown }).code ?? 'ENOTFOUND');
        const code = DNS_CODES[raw] ?? 'ENOTFOUND';
        trace.record('net.dns.answer', { query: id, host, error: code });
        throw Object.assign(new Error(`getaddrinfo ${code} ${host}`), {
          code,
          syscall: 'getaddrinfo',
          hostname: host,
        });
      }
    },
  };
}

/** `net.connect` as the adapter's Transport (a net.Socket is a TransportSocket). */
export const realTransport: Transport = {
  connect(options: { host: string; port: number }): TransportSocket {
    return net.connect({ host: options.host, port: options.port });
  },
};

export function createRealTimeEnvironment(options: RealTimeEnvironmentOptions): RealTimeEnvironment {
  const { clock, trace } = options;
  const rts =
    options.scheduler ??
    new RealTimeScheduler({ nowUs: () => clock.nowUs(), onError: options.onCallbackError });
  const rng = createRng(options.seed ?? 1);
  const fake = createFakeDevices({
    scheduler: rts.scheduler,
    rng: rng.fork('devices'),
    trace,
    script: options.devices,
  });
  const app = createAppLifecycle({ scheduler: rts.scheduler, trace, script: options.devices });
  // Catch the scheduler up before each call, so what the devices record carries the call's real time.
  const devices: FakeDevices = {
    control: fake.control,
    openCamera(o) {
      rts.pump();
      return fake.openCamera(o);
    },
    openMicrophone(o) {
      rts.pump();
      return fake.openMicrophone(o);
    },
    openVideoEncoder(kind, config) {
      rts.pump();
      return fake.openVideoEncoder(kind, config);
    },
    openAudioEncoder(config) {
      rts.pump();
      return fake.openAudioEncoder(config);
    },
  };
  return {
    clock: clock.pusherClock(),
    random: {
      bytes: (n) => new Uint8Array(randomBytes(n)),
      next: () => randomBytes(4).readUInt32BE(0) / 2 ** 32,
    },
    transport: options.transport ?? realTransport,
    resolver: createMappedResolver(
      Object.fromEntries(Object.entries(options.hosts ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      trace,
    ),
    http: new LiveHttpFetch(),
    files: options.files,
    devices,
    app,
    profile: options.profile,
    viewSize: options.viewSize ?? { width: 360, height: 640 },
    log: options.log,
    close: () => {
      if (!options.scheduler) rts.close();
    },
  };
}
