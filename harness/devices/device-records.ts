/**
 * The trace records the fake hardware writes (docs/devices.md, "Trace records"). Type-only: oracles import
 * these without importing the fakes. Times inside records are virtual ms; the record's own `t` is µs.
 */
import type { CameraPosition, DeviceErrorCode } from '../adapter/types.js';
import type { TraceValue } from '../sim/trace.js';

export type DeviceName = 'camera' | 'microphone' | 'videoEncoder' | 'audioEncoder';
export type VideoEncoderKind = 'hardware' | 'software';

/** State of a handle when one of its methods was called (present only when it is not `open`). */
export type HandleState = 'open' | 'failed' | 'closed';

/**
 * `device.call`: one call the pusher made on a device or a handle. Not recorded: successful `encode`
 * calls, `audioSpecificConfig`, listener registration, and `setTargetBitrate` to the value in force.
 * `openCamera` / `openMicrophone` are recorded when they settle; `calledAtMs` says when they were called.
 */
export interface DeviceCallRecord {
  device: DeviceName;
  method: string;
  /** The arguments, as plain JSON (non-finite numbers written as strings, e.g. "NaN"). */
  args: { [key: string]: TraceValue };
  result: 'ok' | 'error';
  /** Present when result is 'error'. */
  error?: DeviceErrorCode;
  message?: string;
  /** Which camera (camera calls). */
  position?: CameraPosition;
  /** Which video encoder (video encoder calls). */
  kind?: VideoEncoderKind;
  /** 1-based count of successful opens of this device: which handle the call concerns. */
  session?: number;
  state?: HandleState;
  calledAtMs?: number;
  /** Close calls: frames (camera), blocks (microphone) or frames encoded (encoders) by this handle. */
  framesDelivered?: number;
  blocksDelivered?: number;
  framesEncoded?: number;
}

/** `device.camera.firstFrame`: the first frame of a camera session was delivered. */
export interface CameraFirstFrameRecord {
  position: CameraPosition;
  session: number;
  /** Delivered frame rate and the colour of the frame. */
  fps: number;
  colour: { y: number; cb: number; cr: number };
}

/** `device.camera.fps`: the delivered frame rate of an open session changed (a scripted fps change). */
export interface CameraFpsRecord {
  position: CameraPosition;
  session: number;
  fps: number;
}

/** `device.camera.stopped`: no frame of this session is delivered after this record. */
export interface CameraStoppedRecord {
  position: CameraPosition;
  session: number;
  framesDelivered: number;
  reason: 'closed' | 'failed';
}

/** `device.microphone.firstBlock`. */
export interface MicrophoneFirstBlockRecord {
  session: number;
  sampleRate: number;
  channels: number;
}

/** `device.microphone.stopped`: no block of this session is delivered after this record. */
export interface MicrophoneStoppedRecord {
  session: number;
  blocksDelivered: number;
  reason: 'closed' | 'failed';
}

/**
 * `device.fault`: a scripted (or `control`-injected) fault that is not the answer to a call: a camera or
 * microphone failing while open (`failed`), a video encoder reporting overload (`overload`). For an
 * overload, `listeners` is how many onOverload listeners were called; `session` is null when no encoder
 * of that kind was open (nobody was told).
 */
export interface DeviceFaultRecord {
  device: DeviceName;
  fault: 'failed' | 'overload';
  position?: CameraPosition;
  kind?: VideoEncoderKind;
  session: number | null;
  listeners?: number;
}

/** `device.script`: the resolved device script, recorded once when the fake devices are created. */
export interface DeviceScriptRecord {
  script: TraceValue;
}

/** `app.state`: the app's state changed (or, with `initial: true`, its state when the lifecycle was made). */
export interface AppStateRecord {
  state: 'foreground' | 'background';
  initial?: boolean;
}

/** Every record kind of this area, with its data. */
export interface DeviceRecordData {
  'device.call': DeviceCallRecord;
  'device.camera.firstFrame': CameraFirstFrameRecord;
  'device.camera.fps': CameraFpsRecord;
  'device.camera.stopped': CameraStoppedRecord;
  'device.microphone.firstBlock': MicrophoneFirstBlockRecord;
  'device.microphone.stopped': MicrophoneStoppedRecord;
  'device.fault': DeviceFaultRecord;
  'device.script': DeviceScriptRecord;
  'app.state': AppStateRecord;
}

export type DeviceRecordKind = keyof DeviceRecordData;
