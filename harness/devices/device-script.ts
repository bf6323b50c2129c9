/**
 * The device script: what the fake hardware does in one scenario (docs/devices.md, "The device script").
 * A plain object, also loadable from YAML or JSON text; validated with zod and resolved ONCE into a fully
 * defaulted, frozen `DeviceScript`, so nothing downstream handles a missing setting. "Never" is `null`.
 *
 * Times are milliseconds of virtual time (fractions allowed down to 1 µs). Absolute times (`atMs`) count
 * from the start of the simulation; relative ones (`failAfterMs`, `openLatencyMs`) from the event named.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { AppState } from '../adapter/types.js';
import { DeviceScriptError, type DeviceScriptIssue } from './device-script-error.js';

// ---- vocabulary ---------------------------------------------------------------------------------------

/** How an `openCamera` / `openMicrophone` call ends. Anything but `ok` rejects with the matching code. */
export const OPEN_OUTCOMES = ['ok', 'denied', 'occupied', 'not-found'] as const;
export type OpenOutcome = (typeof OPEN_OUTCOMES)[number];

/** How opening an encoder ends: `failed` throws DeviceError FAILED on every open of that encoder. */
export const ENCODER_OPEN_OUTCOMES = ['ok', 'failed'] as const;
export type EncoderOpenOutcome = (typeof ENCODER_OPEN_OUTCOMES)[number];

/** The sample rates the synthetic AAC encoder can produce at all. */
export const AAC_SAMPLE_RATES = [16000, 44100, 48000] as const;
export type AacSampleRate = (typeof AAC_SAMPLE_RATES)[number];

/** Defaults, in one place (docs/devices.md lists them). */
export const DEVICE_SCRIPT_DEFAULTS = {
  cameraOpenLatencyMs: 50,
  microphoneOpenLatencyMs: 20,
  cameraMaxFps: 30,
  /** 3840x2160: the synthetic encoder's own limit is 4096 per side. */
  encoderMaxPixels: 3840 * 2160,
} as const;

/** From `atMs` on, the camera delivers at most `maxFps` (the drop, or the recovery, of its frame rate). */
export interface FpsChange {
  readonly atMs: number;
  readonly maxFps: number;
}

export interface CameraScript {
  readonly open: OpenOutcome;
  /** Delay before `openCamera` settles, ms. Default 50. */
  readonly openLatencyMs: number;
  /** Extra delay drawn uniformly in [0, openJitterMs] from the seeded RNG, ms. Default 0. */
  readonly openJitterMs: number;
  /** Each session fails (onError FAILED, frames stop) this long after its open settled; null = never. */
  readonly failAfterMs: number | null;
  /** Highest frame rate the camera delivers; the delivered rate is min(requested fps, maxFps). Default 30. */
  readonly maxFps: number;
  /** Later values of maxFps, at absolute times, strictly increasing. Default none. */
  readonly fpsChanges: readonly FpsChange[];
}

export interface MicrophoneScript {
  readonly open: OpenOutcome;
  /** Default 20. */
  readonly openLatencyMs: number;
  readonly openJitterMs: number;
  readonly failAfterMs: number | null;
}

export interface VideoEncoderScript {
  /** `failed`: every open of this kind throws DeviceError FAILED. Default ok. */
  readonly open: EncoderOpenOutcome;
  /** The encode call with this 0-based index (counted per kind over the whole run) throws FAILED; null = never. */
  readonly failAtFrame: number | null;
  /** Absolute times at which every open encoder of this kind reports overload once. */
  readonly overloadAtMs: readonly number[];
  /** Opens with width*height above this throw UNSUPPORTED. Default 3840*2160. */
  readonly maxPixels: number;
  /** Sizes ("WxH") whose open throws UNSUPPORTED. Default none. */
  readonly unsupportedSizes: readonly string[];
}

export interface AudioEncoderScript {
  readonly open: EncoderOpenOutcome;
  readonly failAtFrame: number | null;
  /** Sample rates that open; others throw UNSUPPORTED. Default 16000, 44100, 48000. */
  readonly supportedSampleRates: readonly AacSampleRate[];
}

/** The app goes to `state` at `atMs`. The app starts in the foreground. */
export interface AppSwitch {
  readonly atMs: number;
  readonly state: AppState;
}

/** A fully defaulted, validated, frozen script. Plain JSON (it is recorded in the trace as is). */
export interface DeviceScript {
  readonly cameras: { readonly front: CameraScript; readonly back: CameraScript };
  readonly microphone: MicrophoneScript;
  readonly videoEncoders: { readonly hardware: VideoEncoderScript; readonly software: VideoEncoderScript };
  readonly audioEncoder: AudioEncoderScript;
  readonly app: readonly AppSwitch[];
}

// ---- schema -------------------------------------------------------------------------------------------

/** A strict object whose unknown-key error lists the known keys (typos are the usual mistake). */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `a known field: ${known}` : undefined),
  });
}

const timeMs = z.number().min(0);
const fps = z.number().gt(0).max(240);
const frameIndex = z.number().int().min(0);
const size = z.string().regex(/^[1-9]\d*x[1-9]\d*$/, { error: 'a size like "1920x1080"' });

/** Adds an issue at `[i, 'atMs']` unless the list's times strictly increase. */
function strictlyIncreasing(list: readonly { atMs: number }[], ctx: z.RefinementCtx): void {
  for (let i = 1; i < list.length; i++) {
    if (list[i].atMs <= list[i - 1].atMs) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'atMs'],
        input: list[i].atMs,
        message: `a time later than the previous entry's ${list[i - 1].atMs}`,
      });
    }
  }
}

const cameraSchema = strict({
  open: z.enum(OPEN_OUTCOMES).default('ok'),
  openLatencyMs: timeMs.default(DEVICE_SCRIPT_DEFAULTS.cameraOpenLatencyMs),
  openJitterMs: timeMs.default(0),
  failAfterMs: timeMs.nullable().default(null),
  maxFps: fps.default(DEVICE_SCRIPT_DEFAULTS.cameraMaxFps),
  fpsChanges: z
    .array(strict({ atMs: timeMs, maxFps: fps }))
    .default([])
    .superRefine(strictlyIncreasing),
});

const microphoneSchema = strict({
  open: z.enum(OPEN_OUTCOMES).default('ok'),
  openLatencyMs: timeMs.default(DEVICE_SCRIPT_DEFAULTS.microphoneOpenLatencyMs),
  openJitterMs: timeMs.default(0),
  failAfterMs: timeMs.nullable().default(null),
});

const videoEncoderKindSchema = strict({
  open: z.enum(ENCODER_OPEN_OUTCOMES).default('ok'),
  failAtFrame: frameIndex.nullable().default(null),
  overloadAtMs: timeMs.nullable().default(null),
  /** null: the shared `videoEncoders.maxPixels`. */
  maxPixels: z.number().int().gt(0).nullable().default(null),
  unsupportedSizes: z.array(size).default([]),
});

const videoEncodersSchema = strict({
  hardware: videoEncoderKindSchema.prefault({}),
  software: videoEncoderKindSchema.prefault({}),
  /** Shared by both kinds: whichever encoder is open at that time reports overload. */
  overloadAtMs: timeMs.nullable().default(null),
  maxPixels: z.number().int().gt(0).default(DEVICE_SCRIPT_DEFAULTS.encoderMaxPixels),
  unsupportedSizes: z.array(size).default([]),
});

const audioEncoderSchema = strict({
  open: z.enum(ENCODER_OPEN_OUTCOMES).default('ok'),
  failAtFrame: frameIndex.nullable().default(null),
  supportedSampleRates: z.array(z.literal(AAC_SAMPLE_RATES)).default([...AAC_SAMPLE_RATES]),
});

const appSchema = z
  .array(strict({ atMs: timeMs, state: z.enum(['foreground', 'background']) }))
  .default([])
  .superRefine((list, ctx) => {
    strictlyIncreasing(list, ctx);
    let current: AppState = 'foreground';
    for (let i = 0; i < list.length; i++) {
      if (list[i].state === current) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'state'],
          input: list[i].state,
          message: `a change of state (the app is already ${current} then; it starts in the foreground)`,
        });
      }
      current = list[i].state;
    }
  });

/** The zod schema of the script as written (exported for scenario schemas that embed it). */
export const deviceScriptSchema = strict({
  cameras: strict({ front: cameraSchema.prefault({}), back: cameraSchema.prefault({}) }).prefault({}),
  microphone: microphoneSchema.prefault({}),
  videoEncoders: videoEncodersSchema.prefault({}),
  audioEncoder: audioEncoderSchema.prefault({}),
  app: appSchema,
});

/** The script as a scenario writes it: every field optional. */
export type DeviceScriptInput = z.input<typeof deviceScriptSchema>;

// ---- resolution ---------------------------------------------------------------------------------------

const resolved = new WeakSet<object>();

/**
 * Validate and default a script once. `undefined` means "all defaults". A script this function returned
 * is passed through unchanged. @throws DeviceScriptError naming each bad field's path, value and expectation.
 */
export function resolveDeviceScript(input: unknown = {}): DeviceScript {
  if (typeof input === 'object' && input !== null && resolved.has(input)) return input as DeviceScript;
  const result = deviceScriptSchema.safeParse(input);
  if (!result.success) {
    throw new DeviceScriptError(result.error.issues.flatMap((issue) => toIssues(issue, input)));
  }
  const s = result.data;
  const shared = s.videoEncoders;
  const kind = (k: (typeof s.videoEncoders)['hardware']): VideoEncoderScript => ({
    open: k.open,
    failAtFrame: k.failAtFrame,
    overloadAtMs: uniqueSorted([k.overloadAtMs, shared.overloadAtMs]),
    maxPixels: k.maxPixels ?? shared.maxPixels,
    unsupportedSizes: [...new Set([...shared.unsupportedSizes, ...k.unsupportedSizes])],
  });
  const script: DeviceScript = {
    cameras: { front: s.cameras.front, back: s.cameras.back },
    microphone: s.microphone,
    videoEncoders: { hardware: kind(shared.hardware), software: kind(shared.software) },
    audioEncoder: {
      open: s.audioEncoder.open,
      failAtFrame: s.audioEncoder.failAtFrame,
      supportedSampleRates: [...new Set(s.audioEncoder.supportedSampleRates)],
    },
    app: s.app,
  };
  const frozen = deepFreeze(script);
  resolved.add(frozen);
  return frozen;
}

/**
 * Parse a script from YAML or JSON text (JSON is YAML), then resolve it. Empty text means all defaults.
 * @throws DeviceScriptError for unparsable text or an invalid script.
 */
export function parseDeviceScript(text: string): DeviceScript {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    throw new DeviceScriptError(
      [{ path: '(text)', value: undefined, expected: 'YAML or JSON' }],
      `the text is not YAML or JSON: ${reason}`,
    );
  }
  return resolveDeviceScript(value ?? {});
}

function uniqueSorted(values: readonly (number | null)[]): number[] {
  return [...new Set(values.filter((v): v is number => v !== null))].sort((a, b) => a - b);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---- error messages -----------------------------------------------------------------------------------

type ZodIssue = z.core.$ZodIssue;

function toIssues(issue: ZodIssue, input: unknown): DeviceScriptIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return { path: formatPath(path), value: valueAt(input, path), expected: issue.message };
    });
  }
  return [{ path: formatPath(issue.path), value: valueAt(input, issue.path), expected: expectedOf(issue) }];
}

function expectedOf(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case 'too_small':
      return issue.origin === 'array'
        ? `at least ${issue.minimum} entries`
        : `a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `at most ${issue.maximum} entries`
        : `a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a finite number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}
