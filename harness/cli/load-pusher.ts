import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Capability, PusherFactory } from '../adapter/types.js';
import { UsageError } from './usage-error.js';

export interface LoadedPusher {
  factory: PusherFactory;
  /** Declared capabilities (probed from a throw-away instance's `capabilities`). */
  capabilities: readonly Capability[];
  identity: { name: string; version: string };
}

/** `reference` or a module whose default export (or `pusherFactory` export) is a PusherFactory. */
export async function loadPusher(spec: string): Promise<LoadedPusher> {
  let factory: PusherFactory;
  if (spec === 'reference') {
    factory = (await import('../../src/index.js')).referencePusherFactory;
  } else {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(resolve(spec)).href)) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(
        `--pusher "${spec}": cannot load the module (${(e as Error).message.split('\n')[0]})`,
      );
    }
    const candidate = (mod.default ?? mod.pusherFactory) as PusherFactory | undefined;
    if (!candidate || typeof candidate.create !== 'function') {
      throw new UsageError(
        `--pusher "${spec}": the module exports no PusherFactory (default export with create())`,
      );
    }
    factory = candidate;
  }
  const probe = probeIdentity(factory);
  return { factory, ...probe };
}

/** Capabilities and identity come from the pusher itself; a probe instance is created with a dead environment. */
function probeIdentity(factory: PusherFactory): {
  capabilities: readonly Capability[];
  identity: { name: string; version: string };
} {
  const never = () => {
    throw new Error('probe environment: not available');
  };
  try {
    const p = factory.create(
      {},
      {
        clock: {
          now: () => 0,
          setTimeout: () => 0,
          clearTimeout: () => {},
          setInterval: () => 0,
          clearInterval: () => {},
        },
        random: { bytes: (n) => new Uint8Array(n), next: () => 0 },
        transport: { connect: never },
        resolver: { resolve: never },
        http: { fetch: never },
        files: { writeTemp: never },
        devices: {
          openCamera: never,
          openMicrophone: never,
          openVideoEncoder: never,
          openAudioEncoder: never,
        },
        app: { state: 'foreground', onChange: () => {} },
        profile: {
          reconnectAttempts: 3,
          reconnectIntervalMs: 3000,
          waitingImageKeepAliveMs: 180000,
          waitingImageFps: 5,
        },
        viewSize: { width: 360, height: 640 },
        log: () => {},
      },
    );
    const result = {
      capabilities: [...p.capabilities],
      identity: { name: p.identity.name, version: p.identity.version },
    };
    p.dispose();
    return result;
  } catch {
    return { capabilities: [], identity: { name: factory.name, version: 'unknown' } };
  }
}
