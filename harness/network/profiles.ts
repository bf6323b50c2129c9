import { createRng } from '../sim/index.js';
import { generateMahimahi, randomWalkSteps } from './mahimahi.js';
import { NetworkError } from './network-error.js';
import type { NetworkScript, ToxicScript } from './script-schema.js';

/**
 * Named network profiles (docs/network.md "Profiles"). Each is plain script data built from steps or
 * from a trace generated here with a fixed seed, so a profile is the same on every run and machine;
 * none needs ../shared/traces. Rates are kbit/s, times ms.
 */
export const PROFILE_NAMES = [
  'unlimited',
  'wifi-good',
  '4g-commute',
  '3g-weak',
  'cliff-1000-to-150',
  'recovery-150-to-1000',
  'flapping',
  'satellite',
] as const;

export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Seed of the generated 4g-commute trace: part of the profile's definition, never the run's seed. */
const COMMUTE_TRACE_SEED = 4004;

function flappingToxics(): ToxicScript[] {
  // 5 s outages every 20 s, from 15 s on, for an hour.
  const out: ToxicScript[] = [];
  for (let at = 15_000; at < 3_600_000; at += 20_000)
    out.push({ type: 'down', atMs: at, untilMs: at + 5_000 });
  return out;
}

const builders: Record<ProfileName, () => NetworkScript> = {
  unlimited: () => ({
    name: 'unlimited',
    description: 'No shaping: unlimited capacity, no delay (a loopback-like path).',
  }),
  'wifi-good': () => ({
    name: 'wifi-good',
    description: 'Good home Wi-Fi: 20 Mbit/s up, 50 Mbit/s down, 10 ms each way, 2 ms jitter.',
    uplink: { kbps: 20_000, delayMs: 10, jitterMs: 2, queue: { ms: 200 } },
    downlink: { kbps: 50_000, delayMs: 10, jitterMs: 2, queue: { ms: 200 } },
  }),
  '4g-commute': () => {
    const steps = randomWalkSteps(createRng(COMMUTE_TRACE_SEED).fork('4g-commute'), {
      durationMs: 120_000,
      stepMs: 1000,
      meanKbps: 3000,
      minKbps: 300,
      maxKbps: 8000,
      volatility: 0.35,
    });
    const trace = generateMahimahi(steps, 120_000);
    return {
      name: '4g-commute',
      description:
        'LTE on the move: a generated 120 s Mahimahi uplink trace (random walk, mean ~3 Mbit/s, 0.3-8 Mbit/s, ' +
        'changing every second, wrapping), 35 ms each way, 10 ms jitter, 500 ms of queue.',
      uplink: {
        trace: { opportunitiesMs: [...trace.opportunitiesMs] },
        delayMs: 35,
        jitterMs: 10,
        queue: { ms: 500 },
      },
      downlink: { kbps: 20_000, delayMs: 35, jitterMs: 10, queue: { ms: 500 } },
    };
  },
  '3g-weak': () => ({
    name: '3g-weak',
    description: 'Weak 3G: 400 kbit/s up, 1.5 Mbit/s down, 100 ms each way, 40 ms jitter, 1 s of queue.',
    uplink: { kbps: 400, delayMs: 100, jitterMs: 40, queue: { ms: 1000 } },
    downlink: { kbps: 1500, delayMs: 100, jitterMs: 40, queue: { ms: 1000 } },
  }),
  'cliff-1000-to-150': () => ({
    name: 'cliff-1000-to-150',
    description:
      'Uplink falls from 1000 to 150 kbit/s at 30 s and stays there; 30 ms each way, 500 ms of queue.',
    uplink: {
      steps: [
        { atMs: 0, kbps: 1000 },
        { atMs: 30_000, kbps: 150 },
      ],
      delayMs: 30,
      queue: { ms: 500 },
    },
    downlink: { kbps: 10_000, delayMs: 30 },
  }),
  'recovery-150-to-1000': () => ({
    name: 'recovery-150-to-1000',
    description:
      'Uplink rises from 150 to 1000 kbit/s at 30 s (ramp-up checks); 30 ms each way, 500 ms of queue.',
    uplink: {
      steps: [
        { atMs: 0, kbps: 150 },
        { atMs: 30_000, kbps: 1000 },
      ],
      delayMs: 30,
      queue: { ms: 500 },
    },
    downlink: { kbps: 10_000, delayMs: 30 },
  }),
  flapping: () => ({
    name: 'flapping',
    description:
      '2 Mbit/s up, 10 Mbit/s down, 25 ms each way; both directions go down for 5 s every 20 s from 15 s on.',
    uplink: { kbps: 2000, delayMs: 25, queue: { ms: 500 } },
    downlink: { kbps: 10_000, delayMs: 25 },
    toxics: flappingToxics(),
  }),
  satellite: () => ({
    name: 'satellite',
    description: 'Geostationary satellite: 2 Mbit/s up, 10 Mbit/s down, 300 ms each way, 1 s of queue.',
    uplink: { kbps: 2000, delayMs: 300, queue: { ms: 1000 } },
    downlink: { kbps: 10_000, delayMs: 300 },
  }),
};

/** The script of a named profile (a fresh object each call). Throws UNKNOWN_PROFILE naming the choices. */
export function networkProfile(name: string): NetworkScript {
  const build = (builders as Record<string, (() => NetworkScript) | undefined>)[name];
  if (!build) {
    throw new NetworkError(
      'UNKNOWN_PROFILE',
      `Unknown network profile "${name}" (expected one of ${PROFILE_NAMES.join(', ')})`,
      {
        name,
      },
    );
  }
  return build();
}
