import type { TraceRecord, TraceValue } from '../../sim/trace.js';
import { caseStart, field, ms, ofKind } from '../trace-query.js';
import { memoByTrace } from './memo-by-trace.js';

/**
 * The attributes in force at any instant, resolved the way docs/spec.md says a pusher must resolve them
 * (`attributes/invalid/2`..`4`): an unknown enumeration value or a non-boolean keeps the previous value,
 * numbers are rounded and clamped (levels 0..9, bitrates 50..10000 kbit/s), an inverted bitrate pair is
 * swapped. Oracles judge the pusher against these values, never against what the pusher says it uses.
 * Attribute names are the trace's (camelCase: `minBitrate`, `enableCamera`, ...).
 */
export interface EffectiveAttributes {
  url: string;
  mode: string;
  autopush: boolean;
  muted: boolean;
  enableCamera: boolean;
  autoFocus: boolean;
  orientation: string;
  beauty: number;
  whiteness: number;
  aspect: string;
  minBitrate: number;
  maxBitrate: number;
  audioQuality: string;
  waitingImage: string;
  waitingImageHash: string;
  backgroundMute: boolean;
  debug: boolean;
}

/** The seed's defaults ("Attributes" table). */
export const DEFAULT_EFFECTIVE: EffectiveAttributes = {
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

export const ENUMS: Record<string, readonly string[]> = {
  mode: ['SD', 'HD', 'FHD', 'RTC'],
  orientation: ['vertical', 'horizontal'],
  aspect: ['3:4', '9:16'],
  audioQuality: ['low', 'high'],
};
export const BOOLEANS = [
  'autopush',
  'muted',
  'enableCamera',
  'autoFocus',
  'backgroundMute',
  'debug',
] as const;
const LEVELS = ['beauty', 'whiteness'] as const;
const BITRATES = ['minBitrate', 'maxBitrate'] as const;
const STRINGS = ['url', 'waitingImage', 'waitingImageHash'] as const;

/** The seed's kebab-case name of a camelCase attribute (`minBitrate` → `min-bitrate`). */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A value the pusher had to replace (docs/spec.md `attributes/invalid/2`..`4`). */
export interface Fallback {
  name: string;
  value: TraceValue;
  applied: TraceValue;
  rule: 'enum' | 'number' | 'boolean' | 'swap' | 'string';
}

/** One change of attributes: at creation (`initial`) or a scenario's `setAttributes`. */
export interface AttributeChange {
  t: number;
  record: TraceRecord;
  initial: boolean;
  patch: Record<string, TraceValue>;
  before: EffectiveAttributes;
  after: EffectiveAttributes;
  fallbacks: Fallback[];
  /** Effective values that changed. */
  changed: (keyof EffectiveAttributes)[];
}

/** A finite number from a number or a numeric string; undefined otherwise. */
export function numeric(v: TraceValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Apply a patch to `before` following the spec's resolution rules. */
export function resolvePatch(
  before: EffectiveAttributes,
  patch: Record<string, TraceValue>,
): { after: EffectiveAttributes; fallbacks: Fallback[] } {
  const after: EffectiveAttributes = { ...before };
  const fallbacks: Fallback[] = [];
  const has = (k: string) => Object.hasOwn(patch, k);
  for (const k of STRINGS) {
    if (!has(k)) continue;
    const v = patch[k];
    if (typeof v === 'string') after[k] = v;
    else fallbacks.push({ name: k, value: v, applied: before[k], rule: 'string' });
  }
  for (const [k, allowed] of Object.entries(ENUMS)) {
    if (!has(k)) continue;
    const v = patch[k];
    const key = k as 'mode' | 'orientation' | 'aspect' | 'audioQuality';
    if (typeof v === 'string' && allowed.includes(v)) after[key] = v;
    else fallbacks.push({ name: k, value: v, applied: before[key], rule: 'enum' });
  }
  for (const k of BOOLEANS) {
    if (!has(k)) continue;
    const v = patch[k];
    if (typeof v === 'boolean') after[k] = v;
    else if (v === 'true' || v === 'false') after[k] = v === 'true';
    else fallbacks.push({ name: k, value: v, applied: before[k], rule: 'boolean' });
  }
  for (const k of LEVELS) {
    if (!has(k)) continue;
    const n = numeric(patch[k]);
    if (n === undefined) {
      fallbacks.push({ name: k, value: patch[k], applied: before[k], rule: 'number' });
      continue;
    }
    after[k] = Math.min(9, Math.max(0, Math.round(n)));
    if (after[k] !== n) fallbacks.push({ name: k, value: patch[k], applied: after[k], rule: 'number' });
  }
  for (const k of BITRATES) {
    if (!has(k)) continue;
    const n = numeric(patch[k]);
    if (n === undefined) {
      fallbacks.push({ name: k, value: patch[k], applied: before[k], rule: 'number' });
      continue;
    }
    after[k] = Math.min(10_000, Math.max(50, Math.round(n)));
    if (after[k] !== n) fallbacks.push({ name: k, value: patch[k], applied: after[k], rule: 'number' });
  }
  if (after.minBitrate > after.maxBitrate) {
    fallbacks.push({
      name: 'minBitrate',
      value: after.minBitrate,
      applied: after.maxBitrate,
      rule: 'swap',
    });
    const lo = after.maxBitrate;
    after.maxBitrate = after.minBitrate;
    after.minBitrate = lo;
  }
  return { after, fallbacks };
}

function asPatch(v: TraceValue | undefined): Record<string, TraceValue> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, TraceValue>) : {};
}

export interface AttributeTimeline {
  initial: AttributeChange;
  /** Every change in order, the creation first. */
  changes: AttributeChange[];
  /** The attributes in force at `t` (ms); changes at exactly `t` are included. */
  at(t: number): EffectiveAttributes;
  /** Changes of `name`'s effective value after creation. */
  changesOf(name: keyof EffectiveAttributes): AttributeChange[];
}

/** Attributes from `case.start` (creation) and every `pusher.attributes` record. */
function buildAttributeTimeline(trace: readonly TraceRecord[]): AttributeTimeline {
  const start = caseStart(trace);
  const changes: AttributeChange[] = [];
  const make = (
    record: TraceRecord,
    initial: boolean,
    patch: Record<string, TraceValue>,
    before: EffectiveAttributes,
  ) => {
    const { after, fallbacks } = resolvePatch(before, patch);
    const changed = (Object.keys(after) as (keyof EffectiveAttributes)[]).filter(
      (k) => after[k] !== before[k],
    );
    const c: AttributeChange = {
      t: ms(record),
      record,
      initial,
      patch,
      before,
      after,
      fallbacks,
      changed,
    };
    changes.push(c);
    return c;
  };
  const fallbackStart: TraceRecord = start ?? { t: 0, seq: -1, kind: 'case.start', data: {} };
  const initial = make(fallbackStart, true, asPatch(field(start, 'attributes')), DEFAULT_EFFECTIVE);
  let current = initial.after;
  for (const r of ofKind(trace, 'pusher.attributes')) {
    current = make(r, false, asPatch(field(r, 'attributes')), current).after;
  }
  return {
    initial,
    changes,
    at(t) {
      let a = initial.after;
      for (const c of changes) if (c.t <= t) a = c.after;
      return a;
    },
    changesOf(name) {
      return changes.filter((c) => !c.initial && c.changed.includes(name));
    },
  };
}

/** `rtmp://host[:port]/app/stream[?query]`, or undefined when the URL is not pushable (`attributes/url/1`). */
export interface PushUrl {
  host: string;
  port: number;
  app: string;
  stream: string;
  isIp: boolean;
}

export function parsePushUrl(url: string): PushUrl | undefined {
  const m = /^rtmp:\/\/([^/?#]+)\/([^?#]*)(?:\?.*)?$/.exec(url);
  if (!m) return undefined;
  let host = m[1];
  let port = 1935;
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!hp) return undefined;
  host = hp[1].replace(/^\[|\]$/g, '');
  if (hp[2] !== undefined) port = Number(hp[2]);
  if (host === '' || !(port > 0 && port < 65536)) return undefined;
  const parts = m[2].split('/').filter((p) => p !== '');
  if (parts.length < 2) return undefined;
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
  return { host, port, app: parts.slice(0, -1).join('/'), stream: parts[parts.length - 1], isIp };
}

/** Memoised per trace (see memo-by-trace.ts): every check of a case shares one. */
export const attributeTimeline = memoByTrace(buildAttributeTimeline);
