import type { AppState } from '../../adapter/types.js';
import type { AppSwitch, DeviceScriptInput } from '../../devices/index.js';
import type { ActionDocument } from '../arbitraries/user-operations.js';

/**
 * What docs/spec.md says the pusher's state is after each user command, as far as it can be told from
 * the case's data at the instant of the command:
 * - `idle`: no push (never started, stopped);
 * - `pushing`: a push is active (connecting, publishing or retrying: the network's fate is not modelled);
 * - `paused`: a push paused by pause() (`operations/pause/1`);
 * - `failed`: the push ended by a critical error the case makes certain at start (a device that cannot
 *   open: -1301..-1306, `events/critical/1`); start() begins a fresh push (`operations/start/3`).
 * The model chooses applicable commands; it never judges (the oracles do, from the trace).
 */
export type PushState = 'idle' | 'pushing' | 'paused' | 'failed';

/** The attributes the model needs to predict a start (resolved the way docs/spec.md resolves them). */
export interface ModelAttributes {
  /** start() accepts the URL (`attributes/url/1`); otherwise it fails and the pusher stays idle. */
  validUrl: boolean;
  enableCamera: boolean;
  muted: boolean;
  audioQuality: 'low' | 'high';
}

export interface PushStateModel {
  readonly durationMs: number;
  /** No command later than this (ms): leaves time for the last command's consequences. */
  readonly lastCommandMs: number;
  /** The devices as scripted (faults), read by `predictStart`. */
  readonly devices: DeviceScriptInput;
  clockMs: number;
  state: PushState;
  app: AppState;
  /** Time of the last app switch (the device script needs strictly increasing times), -1 for none. */
  lastAppSwitchMs: number;
  attributes: ModelAttributes;
}

/** The schedule the commands write: the case's actions and app switches. */
export interface ScheduleBuilder {
  actions: ActionDocument[];
  app: AppSwitch[];
  /** The commands that ran, as printed (`+1200ms pause`), for reports. */
  log: string[];
}

/** What `start()` (or resume) leads to per docs/spec.md, given the scripted device faults. */
export function predictStart(m: Pick<PushStateModel, 'devices' | 'attributes'>): PushState {
  if (!m.attributes.validUrl) return 'idle';
  const d = m.devices;
  const fails = (open: string | undefined) => open !== undefined && open !== 'ok';
  if (m.attributes.enableCamera && fails(d.cameras?.front?.open)) return 'failed'; // -1301
  if (!m.attributes.muted && fails(d.microphone?.open)) return 'failed'; // -1302
  const enc = d.videoEncoders;
  if (enc?.software?.open === 'failed' && enc?.hardware?.open === 'failed') return 'failed'; // -1303
  if (enc?.maxPixels !== undefined) return 'failed'; // -1305 (every rung is above the generated limit)
  if (d.audioEncoder?.open === 'failed') return 'failed'; // -1304
  const rates = d.audioEncoder?.supportedSampleRates;
  if (m.attributes.audioQuality === 'high' && rates && !rates.includes(48000)) return 'failed'; // -1306
  return 'pushing';
}

const asBool = (v: unknown): boolean | undefined =>
  v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;

/** Apply a patch the way docs/spec.md resolves values (`attributes/invalid/*`): invalid keeps the old one. */
export function applyAttributes(attrs: ModelAttributes, patch: Record<string, unknown>): ModelAttributes {
  const next = { ...attrs };
  const camera = asBool(patch['enable-camera']);
  if (camera !== undefined) next.enableCamera = camera;
  const muted = asBool(patch.muted);
  if (muted !== undefined) next.muted = muted;
  if ('url' in patch) next.validUrl = isValidPushUrl(patch.url);
  const q = patch['audio-quality'];
  if (q === 'low' || q === 'high') next.audioQuality = q;
  return next;
}

export function initialModelAttributes(attributes: Record<string, unknown>): ModelAttributes {
  return applyAttributes(
    { validUrl: false, enableCamera: true, muted: false, audioQuality: 'low' },
    attributes,
  );
}

/** `rtmp://host[:port]/app/stream[?query]` (docs/spec.md `attributes/url/1`), placeholders allowed. */
export function isValidPushUrl(url: unknown): boolean {
  return typeof url === 'string' && /^rtmp:\/\/[^/\s]+\/[^/\s]+\/[^\s?]+/.test(url);
}
