import type { PusherProfile } from '../adapter/types.js';

/**
 * Behaviour parameters that sources disagree on (docs/spec.md "Profiles"). `seed` follows the seed
 * document (waiting image keeps the stream 3 minutes); `sdk` follows Tencent's LiteAVSDK (300 s).
 */
export const PROFILES: Record<string, PusherProfile> = {
  seed: {
    reconnectAttempts: 3,
    reconnectIntervalMs: 3000,
    waitingImageKeepAliveMs: 180_000,
    waitingImageFps: 5,
  },
  sdk: {
    reconnectAttempts: 3,
    reconnectIntervalMs: 3000,
    waitingImageKeepAliveMs: 300_000,
    waitingImageFps: 5,
  },
};

export type ProfileName = keyof typeof PROFILES;

export function profileByName(name: string): PusherProfile & { name: string } {
  const p = PROFILES[name];
  if (!p) {
    throw new Error(`Unknown profile "${name}" (expected one of ${Object.keys(PROFILES).join(', ')})`);
  }
  return { ...p, name };
}
