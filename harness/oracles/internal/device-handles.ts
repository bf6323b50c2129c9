import type { TraceRecord, TraceValue } from '../../sim/trace.js';
import { field, ms, num, ofKind, str } from '../trace-query.js';
import { memoByTrace } from './memo-by-trace.js';

export type DeviceName = 'camera' | 'microphone' | 'videoEncoder' | 'audioEncoder';

const OPEN_METHOD: Record<string, DeviceName> = {
  openCamera: 'camera',
  openMicrophone: 'microphone',
  openVideoEncoder: 'videoEncoder',
  openAudioEncoder: 'audioEncoder',
};

/** One successful open of a device and its close (docs/devices.md "Trace records"). Times in ms. */
export interface DeviceHandle {
  device: DeviceName;
  /** `camera:front:1`, `microphone:2`, `videoEncoder:hardware:1`, `audioEncoder:1`. */
  key: string;
  position?: string;
  kind?: string;
  session: number;
  /** When the open settled (cameras and microphones: the record's time; encoders open synchronously). */
  openMs: number;
  calledAtMs: number;
  open: TraceRecord;
  args: Record<string, TraceValue>;
  closeMs?: number;
  close?: TraceRecord;
  /** A `device.fault` of kind `failed` for this handle. */
  failedMs?: number;
}

/** An open that was refused (the device's error code in `error`). */
export interface FailedOpen {
  device: DeviceName;
  position?: string;
  kind?: string;
  error: string;
  t: number;
  calledAtMs: number;
  record: TraceRecord;
  args: Record<string, TraceValue>;
}

export interface DeviceLog {
  handles: DeviceHandle[];
  failedOpens: FailedOpen[];
  /** `encode` calls that threw (video: `kind` set). */
  failedEncodes: { device: DeviceName; kind?: string; t: number; record: TraceRecord }[];
  /** `device.fault` records. */
  faults: TraceRecord[];
  /** Handles open at `t` (opened at or before, not closed at or before). */
  openAt(t: number, device?: DeviceName): DeviceHandle[];
}

function keyOf(device: DeviceName, r: TraceRecord): string {
  const session = num(r, 'session') ?? 0;
  if (device === 'camera') return `camera:${str(r, 'position') ?? '?'}:${session}`;
  if (device === 'videoEncoder') return `videoEncoder:${str(r, 'kind') ?? '?'}:${session}`;
  return `${device}:${session}`;
}

function argsOf(r: TraceRecord): Record<string, TraceValue> {
  const a = field(r, 'args');
  return a && typeof a === 'object' && !Array.isArray(a) ? a : {};
}

function buildDeviceLog(trace: readonly TraceRecord[]): DeviceLog {
  const handles: DeviceHandle[] = [];
  const byKey = new Map<string, DeviceHandle>();
  const failedOpens: FailedOpen[] = [];
  const failedEncodes: DeviceLog['failedEncodes'] = [];
  for (const r of ofKind(trace, 'device.call')) {
    const method = str(r, 'method') ?? '';
    const device = (str(r, 'device') ?? '') as DeviceName;
    const opened = OPEN_METHOD[method];
    const ok = str(r, 'result') === 'ok';
    if (opened) {
      if (!ok) {
        const args = argsOf(r);
        failedOpens.push({
          device: opened,
          position: str(r, 'position') ?? (typeof args.position === 'string' ? args.position : undefined),
          kind: str(r, 'kind'),
          error: str(r, 'error') ?? 'error',
          t: ms(r),
          calledAtMs: num(r, 'calledAtMs') ?? ms(r),
          record: r,
          args,
        });
        continue;
      }
      const h: DeviceHandle = {
        device: opened,
        key: keyOf(opened, r),
        position: str(r, 'position'),
        kind: str(r, 'kind'),
        session: num(r, 'session') ?? 0,
        openMs: ms(r),
        calledAtMs: num(r, 'calledAtMs') ?? ms(r),
        open: r,
        args: argsOf(r),
      };
      handles.push(h);
      byKey.set(h.key, h);
      continue;
    }
    if (method === 'close') {
      const h = byKey.get(keyOf(device, r));
      if (h && h.closeMs === undefined) {
        h.closeMs = ms(r);
        h.close = r;
      }
      continue;
    }
    if (method === 'encode' && !ok) failedEncodes.push({ device, kind: str(r, 'kind'), t: ms(r), record: r });
  }
  const faults = ofKind(trace, 'device.fault');
  for (const f of faults) {
    if (str(f, 'fault') !== 'failed' || field(f, 'session') === null) continue;
    const device = str(f, 'device') as DeviceName;
    const h = byKey.get(keyOf(device, f));
    if (h && h.failedMs === undefined) h.failedMs = ms(f);
  }
  return {
    handles,
    failedOpens,
    failedEncodes,
    faults,
    openAt(t, device) {
      return handles.filter(
        (h) =>
          (!device || h.device === device) && h.openMs <= t && (h.closeMs === undefined || h.closeMs > t),
      );
    },
  };
}

/** The video encoder's target over time: `{t, kbps, handle}` for each open and setTargetBitrate. */
export function encoderTargets(
  trace: readonly TraceRecord[],
): { t: number; kbps: number; key: string; record: TraceRecord }[] {
  const out: { t: number; kbps: number; key: string; record: TraceRecord }[] = [];
  for (const r of ofKind(trace, 'device.call')) {
    if (str(r, 'device') !== 'videoEncoder' || str(r, 'result') !== 'ok') continue;
    const method = str(r, 'method');
    const a = argsOf(r);
    const key = keyOf('videoEncoder', r);
    if (method === 'openVideoEncoder' && typeof a.targetBitrateKbps === 'number')
      out.push({ t: ms(r), kbps: a.targetBitrateKbps, key, record: r });
    else if (method === 'setTargetBitrate' && typeof a.kbps === 'number')
      out.push({ t: ms(r), kbps: a.kbps, key, record: r });
  }
  return out;
}

/** Memoised per trace (see memo-by-trace.ts): every check of a case shares one. */
export const deviceLog = memoByTrace(buildDeviceLog);
