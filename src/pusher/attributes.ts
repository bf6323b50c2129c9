import type {
  Aspect,
  AudioQuality,
  Orientation,
  PusherAttributes,
  PusherMode,
} from '../../harness/adapter/types.js';

/** The seed's defaults ("Attributes" table). */
export const DEFAULT_ATTRIBUTES: PusherAttributes = {
  url: '',
  mode: 'RTC',
  autopush: false,
  muted: false,
  enableCamera: true,
  autoFocus: true,
  orientation: 'vertical',
  beauty: 0,
  whiteness: 0,
  aspect: '9:16',
  minBitrate: 200,
  maxBitrate: 1000,
  audioQuality: 'low',
  waitingImage: '',
  waitingImageHash: '',
  backgroundMute: false,
  debug: false,
};

/** A value we could not use as given, and what we did instead (docs/spec.md, attributes/invalid). */
export interface AttributeWarning {
  field: keyof PusherAttributes;
  value: unknown;
  expected: string;
  applied: unknown;
}

const MODES: readonly PusherMode[] = ['SD', 'HD', 'FHD', 'RTC'];
const ORIENTATIONS: readonly Orientation[] = ['vertical', 'horizontal'];
const ASPECTS: readonly Aspect[] = ['3:4', '9:16'];
const AUDIO_QUALITIES: readonly AudioQuality[] = ['low', 'high'];

/** Lowest and highest video bitrates we accept (kbit/s); outside, values are clamped. */
export const BITRATE_FLOOR_KBPS = 50;
export const BITRATE_CEILING_KBPS = 10_000;

/**
 * Resolve attributes the way a web component does: unknown or ill-typed values fall back (never throw),
 * each fallback is reported. Rules (docs/spec.md "attributes/invalid"):
 * - enumerations (mode, orientation, aspect, audio-quality): an unknown value keeps the previous value;
 * - beauty / whiteness: rounded and clamped to 0..9;
 * - min/max bitrate: clamped to [50, 10000]; min > max swaps them;
 * - booleans accept true/false and the strings "true"/"false" (mini-program templates pass strings);
 * - url is kept as given and checked at start (only rtmp:// URLs are pushed).
 */
export function resolveAttributes(
  previous: PusherAttributes,
  patch: Partial<Record<keyof PusherAttributes, unknown>>,
): { attributes: PusherAttributes; warnings: AttributeWarning[] } {
  const warnings: AttributeWarning[] = [];
  const next: PusherAttributes = { ...previous };
  const warn = (field: keyof PusherAttributes, value: unknown, expected: string, applied: unknown) =>
    warnings.push({ field, value, expected, applied });

  const pickEnum = <T extends string>(
    field: keyof PusherAttributes,
    allowed: readonly T[],
  ): T | undefined => {
    if (!(field in patch)) return undefined;
    const v = patch[field];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    warn(field, v, `one of ${allowed.join(', ')}`, previous[field]);
    return undefined;
  };
  const pickBool = (field: keyof PusherAttributes): boolean | undefined => {
    if (!(field in patch)) return undefined;
    const v = patch[field];
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    warn(field, v, 'a boolean', previous[field]);
    return undefined;
  };
  const pickLevel = (field: 'beauty' | 'whiteness'): number | undefined => {
    if (!(field in patch)) return undefined;
    const raw = patch[field];
    const v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      warn(field, raw, 'a number from 0 to 9', previous[field]);
      return undefined;
    }
    const applied = Math.min(9, Math.max(0, Math.round(v)));
    if (applied !== v) warn(field, raw, 'an integer from 0 to 9', applied);
    return applied;
  };
  const pickBitrate = (field: 'minBitrate' | 'maxBitrate'): number | undefined => {
    if (!(field in patch)) return undefined;
    const raw = patch[field];
    const v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      warn(field, raw, 'a number of kbit/s', previous[field]);
      return undefined;
    }
    const applied = Math.min(BITRATE_CEILING_KBPS, Math.max(BITRATE_FLOOR_KBPS, Math.round(v)));
    if (applied !== v)
      warn(field, raw, `kbit/s from ${BITRATE_FLOOR_KBPS} to ${BITRATE_CEILING_KBPS}`, applied);
    return applied;
  };
  const pickString = (field: 'url' | 'waitingImage' | 'waitingImageHash'): string | undefined => {
    if (!(field in patch)) return undefined;
    const v = patch[field];
    if (typeof v === 'string') return v;
    warn(field, v, 'a string', previous[field]);
    return undefined;
  };

  next.url = pickString('url') ?? next.url;
  next.waitingImage = pickString('waitingImage') ?? next.waitingImage;
  next.waitingImageHash = pickString('waitingImageHash') ?? next.waitingImageHash;
  next.mode = pickEnum('mode', MODES) ?? next.mode;
  next.orientation = pickEnum('orientation', ORIENTATIONS) ?? next.orientation;
  next.aspect = pickEnum('aspect', ASPECTS) ?? next.aspect;
  next.audioQuality = pickEnum('audioQuality', AUDIO_QUALITIES) ?? next.audioQuality;
  next.autopush = pickBool('autopush') ?? next.autopush;
  next.muted = pickBool('muted') ?? next.muted;
  next.enableCamera = pickBool('enableCamera') ?? next.enableCamera;
  next.autoFocus = pickBool('autoFocus') ?? next.autoFocus;
  next.backgroundMute = pickBool('backgroundMute') ?? next.backgroundMute;
  next.debug = pickBool('debug') ?? next.debug;
  next.beauty = pickLevel('beauty') ?? next.beauty;
  next.whiteness = pickLevel('whiteness') ?? next.whiteness;
  next.minBitrate = pickBitrate('minBitrate') ?? next.minBitrate;
  next.maxBitrate = pickBitrate('maxBitrate') ?? next.maxBitrate;
  if (next.minBitrate > next.maxBitrate) {
    warn('minBitrate', next.minBitrate, `at most max-bitrate (${next.maxBitrate})`, next.maxBitrate);
    const lo = next.maxBitrate;
    next.maxBitrate = next.minBitrate;
    next.minBitrate = lo;
  }
  for (const key of Object.keys(patch)) {
    if (!(key in DEFAULT_ATTRIBUTES))
      warn(
        key as keyof PusherAttributes,
        patch[key as keyof PusherAttributes],
        'a known attribute',
        undefined,
      );
  }
  return { attributes: next, warnings };
}

/** Only `rtmp://host/...` URLs are pushed (the seed: "URL starting with rtmp://"). */
export function checkPushUrl(url: string): string | undefined {
  if (url === '') return 'url is empty (expected an rtmp:// URL)';
  if (!url.startsWith('rtmp://')) return `url "${url}" does not start with rtmp:// (expected an rtmp:// URL)`;
  const rest = url.slice('rtmp://'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return `url "${url}" has no host (expected rtmp://host/app/stream)`;
  const path = rest.slice(slash + 1).split('?')[0];
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length < 2) return `url "${url}" has no app and stream name (expected rtmp://host/app/stream)`;
  return undefined;
}
